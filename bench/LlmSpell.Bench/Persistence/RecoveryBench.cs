using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using LlmSpell.Bench.Workflows;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Recovery throughput of one run of <c>--n</c> events (its start, then step started/completed events; no snapshot), seeded
/// through a persistent actor with our serializer and tags (target ≥ 100,000 events/s):
/// <c>replay</c> — a plain persistent actor with the run's persistence id replays and deserializes every event;
/// <c>resume</c> — <c>engine.ResumeAsync(id)</c> of the unfinished run until it is accepted: the runs actor starts the run's
/// <c>DurableRun</c>, which recovers every event, journals its resume and starts the coordinator (the run then waits for a
/// signal and is cancelled, untimed). <c>--modes</c> picks some (default both).
/// </summary>
public static class RecoveryBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var events = args.Int("n", 100_000);
        var runs = args.Int("runs", 3);
        var modes = args.String("modes", "replay,resume").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await using var store = await BenchStore.OpenAsync(args);
        var system = store.NewSystem();

        // One run for replay (read only, replayed again and again), and a fresh one per resume (a resume changes the run).
        var ids = Enumerable.Range(0, modes.Contains("resume") ? runs + 2 : 1).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var seed = Stopwatch.StartNew();
        await BenchRuns.SeedAsync(system, ids.Select(id => (id, BenchRuns.Events(id, BenchRuns.Waiting, events, finished: false))), parallel: 4, batch: SeedBatch(args, store));
        seed.Stop();
        BenchRunner.Emit(new
        {
            bench = "recovery", store = store.Kind, mode = "seed", runs = ids.Length, events_per_run = events,
            elapsed_ms = Math.Round(seed.Elapsed.TotalMilliseconds, 1),
            events_per_s = Math.Round(ids.Length * (double)events / seed.Elapsed.TotalSeconds),
        });

        if (modes.Contains("replay"))
        {
            await ReplayAsync(system, ids[0], events); // warm-up: not reported
            for (var r = 1; r <= runs; r++) Emit(store, "replay", r, events, await ReplayAsync(system, ids[0], events));
        }
        if (modes.Contains("resume"))
        {
            var engine = WorkflowShapeBench.DurableEngine(system, new WorkflowShapeBench.NoOpTool());
            await ResumeAsync(engine, ids[^1]); // warm-up: not reported
            for (var r = 1; r <= runs; r++) Emit(store, "resume", r, events, await ResumeAsync(engine, ids[r]));
        }
    }

    private static void Emit(BenchStore store, string mode, int run, long events, TimeSpan elapsed) =>
        BenchRunner.Emit(new
        {
            bench = "recovery", store = store.Kind, mode, run, events,
            elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
            events_per_s = Math.Round(events / elapsed.TotalSeconds),
        });

    private static async Task<TimeSpan> ReplayAsync(ActorSystem system, string runId, long expected)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sw = Stopwatch.StartNew();
        system.ActorOf(Props.Create(() => new Replayer("run-" + runId, done)));
        var count = await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
        sw.Stop();
        if (count != expected) throw new InvalidOperationException($"replayed {count} events, expected {expected}");
        return sw.Elapsed;
    }

    private static async Task<TimeSpan> ResumeAsync(LlmSpell.Workflows.Execution.WorkflowEngine engine, string runId)
    {
        var sw = Stopwatch.StartNew();
        var run = await engine.ResumeAsync(runId);
        sw.Stop();
        await run.CancelAsync("benchmark: resumed");
        var result = await run.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        if (result.Status != RunStatus.Cancelled) throw new InvalidOperationException($"the resumed run ended {result.Status}: {result.Error}");
        return sw.Elapsed;
    }

    /// <summary>Counts the workflow events it recovers (each deserialized by our serializer), then stops.</summary>
    private sealed class Replayer(string persistenceId, TaskCompletionSource<long> done) : PersistentActor
    {
        private long _count;

        public override string PersistenceId => persistenceId;

        protected override bool ReceiveRecover(object message)
        {
            switch (message)
            {
                case WorkflowEvent:
                    _count++;
                    break;
                case RecoveryCompleted:
                    done.TrySetResult(_count);
                    Context.Stop(Self);
                    break;
            }
            return true;
        }

        protected override bool ReceiveCommand(object message) => false;

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            done.TrySetException(reason);
            base.OnRecoveryFailure(reason, message);
        }
    }

    /// <summary><c>--seed-batch</c>: events per write when seeding (default 1,000 on SQLite, 100 on PostgreSQL, where a write of 1,000 tagged rows outlasts the journal's call timeout).</summary>
    internal static int SeedBatch(BenchArgs args, BenchStore store) => args.Int("seed-batch", store.Kind == "postgres" ? 100 : 1000);
}
