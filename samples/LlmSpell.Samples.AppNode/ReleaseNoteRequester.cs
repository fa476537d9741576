using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;
using Microsoft.Extensions.Hosting;

namespace LlmSpell.Samples.AppNode;

/// <summary>
/// Starts one run of the release-note workflow on the cluster and follows it here: prints its events, approves the draft when the
/// run waits for an editor, and ends the app with the run's result (exit 0 if it completed).
/// </summary>
public sealed class ReleaseNoteRequester : ReceiveActor
{
    public const string Approval = "editor-approved";

    private readonly IActorRef _runs;
    private readonly StartRun _start;

    public static Props Props(IActorRef runs, WorkflowDefinition definition, JsonNode input, IHostApplicationLifetime lifetime) =>
        Akka.Actor.Props.Create(() => new ReleaseNoteRequester(runs, definition, input, lifetime));

    public ReleaseNoteRequester(IActorRef runs, WorkflowDefinition definition, JsonNode input, IHostApplicationLifetime lifetime)
    {
        _runs = runs;
        // The id routes every message to the run's entity, wherever it lives; the proxy needs it set.
        var runId = "release-note-" + Guid.NewGuid().ToString("N")[..12];
        _start = new StartRun(definition, input) { RunId = runId, Subscriber = Self };

        void End(int exitCode, string line)
        {
            Console.WriteLine(line);
            Environment.ExitCode = exitCode;
            lifetime.StopApplication();
        }

        Receive<RunAccepted>(accepted => Console.WriteLine($"accepted {accepted.RunId} on {accepted.Node}"));
        Receive<RunRejected>(rejected => End(1, $"refused ({rejected.Kind}): {rejected.Reason}"));
        // The run waits for an editor: ask where it stands, then approve.
        Receive<SignalAwaited>(awaited =>
        {
            Console.WriteLine($"event {awaited.Kind} {awaited.Signal}");
            runs.Tell(new GetRunStatus(runId));
        });
        Receive<RunStatusReport>(status =>
        {
            Console.WriteLine($"status: {status.StepsCompleted} step(s) done, waiting for {string.Join(", ", status.WaitingFor)} on {status.Node}");
            runs.Tell(new SignalRun(runId, Approval, new JsonObject { ["approved"] = true, ["editor"] = "the app node" }));
        });
        Receive<SignalAccepted>(accepted => Console.WriteLine($"signal {accepted.Signal} accepted"));
        Receive<WorkflowEvent>(e => Console.WriteLine($"event {e.Kind}"));
        // The run's node left the cluster: the run goes on on another node; follow it there.
        Receive<RunMoved>(moved => runs.Tell(new SubscribeToRun(moved.RunId, Self)));
        Receive<SubscribedToRun>(_ => { });
        Receive<RunFinished>(finished =>
        {
            var result = finished.Result;
            End(result.Status == RunStatus.Completed ? 0 : 1, $"finished {StatusNames.Of(result.Status)}: {result.Output?.ToJsonString() ?? result.Error}");
        });
    }

    // Sent once the actor runs: the proxy holds it until it has found the runs nodes.
    protected override void PreStart() => _runs.Tell(_start);
}
