using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Persistence;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Run journals as a durable run writes them (the same events, serializer, persistence ids and lifecycle tags), written by a
/// plain persistent actor in batches: seeding 100,000 events takes seconds, not a workflow's worth of minutes.
/// </summary>
public static class BenchRuns
{
    /// <summary>A step output of about the size of a small tool result.</summary>
    private static JsonNode Output(long i) => new JsonObject { ["step"] = i, ["text"] = "step 'fetch' completed with 128 input and 64 output tokens" };

    /// <summary>A sequential workflow of <paramref name="steps"/> tool steps <c>s1…sN</c> of tool <paramref name="tool"/>.</summary>
    public static WorkflowDefinition Sequential(string name, int steps, string tool = "noop") => new()
    {
        Name = name,
        Steps = Enumerable.Range(1, steps).Select(i => new StepDefinition
        {
            Name = $"s{i}",
            Kind = StepKind.Tool,
            Tool = new ToolStepSpec { ToolName = tool },
        }).ToArray(),
    };

    /// <summary>A workflow whose only step waits for signal <c>go</c>: a resumed run of it stays up until cancelled.</summary>
    public static WorkflowDefinition Waiting { get; } = new()
    {
        Name = "waiting",
        Steps = [new StepDefinition { Name = "w", Kind = StepKind.Wait, Wait = new WaitStepSpec { Signal = "go" } }],
    };

    /// <summary>
    /// The events of run <paramref name="runId"/> of <paramref name="definition"/>: its start, then <paramref name="events"/> − 1 (or −2
    /// when <paramref name="finished"/>) step events (started/completed pairs, keys <c>x1…</c> when the definition has fewer steps),
    /// then its completion when finished.
    /// </summary>
    public static WorkflowEvent[] Events(string runId, WorkflowDefinition definition, long events, bool finished)
    {
        var start = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        var list = new List<WorkflowEvent>((int)events)
        {
            new WorkflowStarted(definition.Name, WorkflowJson.SerializeDefinition(definition), new JsonObject { ["topic"] = "bench" })
            {
                RunId = runId, Timestamp = start,
            },
        };
        var body = events - 1 - (finished ? 1 : 0);
        var names = definition.Steps.Count >= body / 2 ? definition.Steps.Select(s => s.Name).ToArray() : null;
        for (long i = 0; i < body; i++)
        {
            var n = i / 2;
            var step = names is not null && n < names.Length ? names[n] : $"x{n + 1}";
            var at = start + TimeSpan.FromMilliseconds(i);
            list.Add(i % 2 == 0
                ? new StepStarted(step, step, 1) { RunId = runId, Timestamp = at }
                : new StepCompleted(step, step, new StepResult
                {
                    Name = step, Key = step, Kind = StepKind.Tool, Status = StepStatus.Completed, Attempts = 1,
                    Duration = TimeSpan.FromMilliseconds(1), Output = Output(n),
                }) { RunId = runId, Timestamp = at });
        }
        if (finished)
            list.Add(new RunCompleted(RunStatus.Completed, Output(body), TimeSpan.FromMinutes(1)) { RunId = runId, Timestamp = DateTimeOffset.UtcNow });
        return list.ToArray();
    }

    /// <summary>Starts a <see cref="Writer"/> of <paramref name="events"/> under <paramref name="persistenceId"/>, <paramref name="batch"/> per write.</summary>
    public static Writer.Handle StartWriter(ActorSystem system, string persistenceId, WorkflowEvent[] events, int batch)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = system.ActorOf(Writer.PropsOf(persistenceId, events, batch, ready, done));
        return new Writer.Handle(actor, ready.Task, done.Task);
    }

    /// <summary>Writes the runs (run id, events) through persistent actors, <paramref name="parallel"/> at a time, <paramref name="batch"/> events per write.</summary>
    public static async Task SeedAsync(ActorSystem system, IEnumerable<(string RunId, WorkflowEvent[] Events)> runs, int parallel = 16, int batch = 1000)
    {
        using var gate = new SemaphoreSlim(parallel);
        var tasks = new List<Task>();
        foreach (var (runId, events) in runs)
        {
            await gate.WaitAsync();
            var writer = StartWriter(system, RunIds.PersistenceId(runId), events, batch);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await writer.Ready;
                    writer.Go();
                    await writer.Done;
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(30));
    }
}

/// <summary>
/// A persistent actor that, once recovered (<see cref="Handle.Ready"/>) and told to <see cref="Handle.Go"/>, persists its events tagged as a
/// run tags them, <c>batch</c> per write (1: <c>Persist</c>, each durable before the next is written; more: <c>PersistAll</c>), then stops.
/// </summary>
public sealed class Writer : PersistentActor
{
    private readonly string _persistenceId;
    private readonly WorkflowEvent[] _events;
    private readonly int _batch;
    private readonly TaskCompletionSource _ready;
    private readonly TaskCompletionSource _done;
    private int _next;

    public Writer(string persistenceId, WorkflowEvent[] events, int batch, TaskCompletionSource ready, TaskCompletionSource done)
    {
        _persistenceId = persistenceId;
        _events = events;
        _batch = batch;
        _ready = ready;
        _done = done;
    }

    public sealed record Handle(IActorRef Actor, Task Ready, Task Done)
    {
        public void Go() => Actor.Tell(GoMessage.Instance);
    }

    private sealed class GoMessage
    {
        public static readonly GoMessage Instance = new();
    }

    internal static Props PropsOf(string persistenceId, WorkflowEvent[] events, int batch, TaskCompletionSource ready, TaskCompletionSource done) =>
        Props.Create(() => new Writer(persistenceId, events, batch, ready, done));

    public override string PersistenceId => _persistenceId;

    protected override bool ReceiveRecover(object message)
    {
        if (message is RecoveryCompleted) _ready.TrySetResult();
        return true;
    }

    protected override bool ReceiveCommand(object message)
    {
        if (message is not GoMessage) return false;
        WriteNext();
        return true;
    }

    private void WriteNext()
    {
        if (_next >= _events.Length)
        {
            _done.TrySetResult();
            Context.Stop(Self);
            return;
        }
        if (_batch == 1)
        {
            Persist(DurableRun.Tag(_events[_next++]), _ => WriteNext());
            return;
        }
        var batch = _events.Skip(_next).Take(_batch).Select(DurableRun.Tag).ToArray();
        _next += batch.Length;
        var left = batch.Length;
        PersistAll(batch, _ =>
        {
            if (--left == 0) WriteNext();
        });
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _done.TrySetException(cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _done.TrySetException(cause);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _ready.TrySetException(reason);
        _done.TrySetException(reason);
        base.OnRecoveryFailure(reason, message);
    }
}
