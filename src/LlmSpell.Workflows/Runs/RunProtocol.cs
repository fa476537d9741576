using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Akka.Actor;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Runs;

// The public message protocol of the runs actor (docs/actors.md). Every message is an immutable record of data
// (definitions, JSON, strings, actor refs): no delegates, tokens or services, so the same messages can cross nodes.

/// <summary>A message about one run; <see cref="RunId"/> routes it (to the run's coordinator, or its shard).</summary>
public interface IRunMessage
{
    string RunId { get; }
}

/// <summary>
/// Starts a run of <paramref name="Definition"/> on <paramref name="Input"/>. The sender gets <see cref="RunAccepted"/> or
/// <see cref="RunRejected"/>; the <see cref="Subscriber"/> (if any) gets every event of the run, then <see cref="RunFinished"/>.
/// </summary>
public sealed record StartRun(WorkflowDefinition Definition, JsonNode? Input = null)
{
    /// <summary>The run's id; null: the runs actor makes one (a GUID without dashes).</summary>
    public string? RunId { get; init; }

    /// <summary>Receives the run's events from the first, then its <see cref="RunFinished"/>.</summary>
    public IActorRef? Subscriber { get; init; }

    /// <summary>The engine validated this very definition just before sending it: the runs actor need not again (in-process only).</summary>
    internal bool Validated { get; init; }

    /// <summary>
    /// The definition as a durable run journals it, made by the engine on the caller's thread (in-process only): a cold process does it
    /// while its journal starts, instead of after.
    /// </summary>
    internal JsonNode? StoredDefinition { get; init; }
}

/// <summary>Continues an unfinished durable run from its journal; completed steps are not run again. Replies as <see cref="StartRun"/>.</summary>
public sealed record ResumeRun(string RunId) : IRunMessage
{
    public IActorRef? Subscriber { get; init; }
}

/// <summary>The run started (or resumed) under <paramref name="RunId"/>.</summary>
public sealed record RunAccepted(string RunId) : IRunMessage
{
    /// <summary>The node the run is on, <c>akka.tcp://llmspell@HOST:PORT</c> (a cluster); null in a process without remoting.</summary>
    public string? Node { get; init; }
}

/// <summary>Why a start, resume, cancel, signal or status request was refused.</summary>
public enum RejectionKind
{
    /// <summary>The definition is not valid (the reason lists every problem with its JSON path).</summary>
    Invalid,

    /// <summary>A run with that id is already active here.</summary>
    AlreadyActive,

    /// <summary>No active run (or, for a resume, no journaled run) has that id.</summary>
    NotFound,

    /// <summary>The run cannot do what was asked (it is not waiting for that signal; it has already finished).</summary>
    NotApplicable,

    /// <summary>The journal refused or failed (another writer, an unreadable run).</summary>
    Journal,
}

/// <summary>A request about <paramref name="RunId"/> was refused; <paramref name="Reason"/> says why and what to do.</summary>
public sealed record RunRejected(string RunId, RejectionKind Kind, string Reason) : IRunMessage
{
    /// <summary>The exception behind the refusal, for in-process callers only: never serialized.</summary>
    [JsonIgnore]
    public Exception? Cause { get; init; }
}

/// <summary>Cancels an active run; in-flight calls see their cancellation. Replies <see cref="RunCancelling"/> or <see cref="RunRejected"/>.</summary>
public sealed record CancelRun(string RunId, string Reason = "cancelled by request") : IRunMessage;

/// <summary>The run was told to cancel; its subscribers get <see cref="RunFinished"/> with status cancelled.</summary>
public sealed record RunCancelling(string RunId) : IRunMessage;

/// <summary>Delivers <paramref name="Signal"/> to the run's waiting wait step; its payload becomes the step's output.</summary>
public sealed record SignalRun(string RunId, string Signal, JsonNode? Payload = null) : IRunMessage;

/// <summary>The signal reached its wait step (durably, in a durable run).</summary>
public sealed record SignalAccepted(string RunId, string Signal) : IRunMessage;

/// <summary>Asks an active run where it is. Replies <see cref="RunStatusReport"/> or <see cref="RunRejected"/>.</summary>
public sealed record GetRunStatus(string RunId) : IRunMessage;

/// <summary>Where an active run is: the steps running now, the signals it waits for, how many steps have completed.</summary>
public sealed record RunStatusReport(
    string RunId,
    string WorkflowName,
    IReadOnlyList<string> RunningSteps,
    IReadOnlyList<string> WaitingFor,
    int StepsCompleted) : IRunMessage
{
    /// <summary>The node the run is on, <c>akka.tcp://llmspell@HOST:PORT</c> (a cluster); null in a process without remoting.</summary>
    public string? Node { get; init; }

    /// <summary>True when nothing runs and the run waits for a signal.</summary>
    public bool IsWaiting => RunningSteps.Count == 0 && WaitingFor.Count > 0;
}

/// <summary>Subscribes <paramref name="Subscriber"/> to an active run: it gets the events so far, then live ones, then <see cref="RunFinished"/>.</summary>
public sealed record SubscribeToRun(string RunId, IActorRef Subscriber) : IRunMessage;

/// <summary>The subscription is in place (to the requester); the subscriber has been sent the events so far.</summary>
public sealed record SubscribedToRun(string RunId) : IRunMessage;

/// <summary>
/// To subscribers: the run stopped on its node and goes on on another (its node left the cluster). Subscribe again
/// (<see cref="SubscribeToRun"/>, through the shard region or the runs actor) to follow it there.
/// </summary>
public sealed record RunMoved(string RunId) : IRunMessage;

/// <summary>
/// On the actor system's event stream: the run's node leaves, so the run starts nothing more here and moves to another node once
/// its running attempts have ended (in <paramref name="RunningSteps"/>).
/// </summary>
public sealed record RunHandingOver(string RunId, IReadOnlyList<string> RunningSteps) : IRunMessage;

/// <summary>The last message a subscriber gets: the run's result.</summary>
public sealed record RunFinished(WorkflowResult Result) : IRunMessage
{
    public string RunId => Result.RunId;
}

// Journal queries: answered by any node of a cluster from the journal all its nodes share (a console client reads runs this way).

/// <summary>Lists every run of the journal. Replies <see cref="RunsListed"/> or <see cref="RunRejected"/> (<see cref="RejectionKind.Journal"/>).</summary>
public sealed record ListRuns;

/// <summary>The journal's runs, from their lifecycle events.</summary>
public sealed record RunsListed(IReadOnlyList<Durability.RunSummary> Runs);

/// <summary>Reads one run from the journal: its summary and every event. Replies <see cref="RunRead"/> or <see cref="RunRejected"/>.</summary>
public sealed record ReadRun(string RunId) : IRunMessage;

/// <summary>A run as its journal holds it; each event travels as JSON under its journal manifest.</summary>
public sealed record RunRead(Durability.RunSummary Summary, IReadOnlyList<JournaledEvent> Events) : IRunMessage
{
    public string RunId => Summary.RunId;
}

/// <summary>One journaled event: sequence number, time, manifest (<see cref="Durability.WorkflowSerializer"/>) and the event's JSON.</summary>
public sealed record JournaledEvent(long SequenceNr, DateTimeOffset Timestamp, string Manifest, JsonNode Event);

/// <summary>Asks a cluster node for the cluster's nodes and the runs each holds. Replies <see cref="NodesListed"/>.</summary>
public sealed record ListNodes;

/// <summary>The cluster's members as the node asked sees them, and its leader.</summary>
public sealed record NodesListed(IReadOnlyList<NodeReport> Nodes, string? Leader);

/// <summary>
/// One member: its address, roles, membership status (<c>up</c>, <c>joining</c>, <c>leaving</c>, …), whether the node asked reaches
/// it, and the ids of the runs it holds (null when it runs none, or did not answer).
/// </summary>
public sealed record NodeReport(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, IReadOnlyList<string>? Runs);
