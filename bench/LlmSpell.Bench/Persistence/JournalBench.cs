using System.Diagnostics;
using LlmSpell.Actors;
using LlmSpell.Actors.Persistence;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Persist throughput through persistent actors, each event durable before its handler runs:
/// <c>single</c> — one actor, one Persist per command (every event waits for its own commit);
/// <c>batch</c> — one actor, PersistAll of <c>--batch</c> events per command;
/// <c>concurrent</c> — <c>--actors</c> actors persisting one event per command at once (group commit).
/// <c>--modes</c> picks some of them (default all three).
/// </summary>
public static class JournalBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var single = args.Int("single", 2_000);
        var events = args.Int("n", 100_000);
        var batch = args.Int("batch", 100);
        var actors = args.Int("actors", 100);
        var runs = args.Int("runs", 3);
        var modes = args.String("modes", "single,batch,concurrent").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await using var store = await BenchStore.OpenAsync(args);
        await using var system = store.NewSystem("journalbench");

        await RunAsync(system, 1, 200, 1); // warm-up: JIT, connections, statement caches; not reported
        for (var r = 1; r <= runs; r++)
        {
            if (modes.Contains("single")) Emit(store, "single", r, single, 1, 1, await RunAsync(system, 1, single, 1));
            if (modes.Contains("batch")) Emit(store, "batch", r, events, 1, batch, await RunAsync(system, 1, events / batch, batch));
            if (modes.Contains("concurrent")) Emit(store, "concurrent", r, events, actors, 1, await RunAsync(system, actors, events / actors, 1));
        }
    }

    private static void Emit(BenchStore store, string mode, int run, int events, int actors, int batch, TimeSpan elapsed) =>
        BenchRunner.Emit(new
        {
            bench = "journal", store = store.Kind, mode, run, events, actors, batch,
            elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
            events_per_s = Math.Round(events / elapsed.TotalSeconds),
        });

    /// <summary>Each of <paramref name="actors"/> actors gets <paramref name="commands"/> commands of <paramref name="batch"/> events.</summary>
    private static async Task<TimeSpan> RunAsync(ActorSystem system, int actors, int commands, int batch)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = system.ActorOf(Props.Create(() => new AckCounter((long)actors * commands * batch, done)));
        var recovered = new CountdownEvent(actors);
        var writers = Enumerable.Range(0, actors)
            .Select(_ => system.ActorOf(Props.Create(() => new Writer($"bench-{Guid.NewGuid():N}", recovered))))
            .ToList();
        await Task.Run(() => recovered.Wait());

        var sw = Stopwatch.StartNew();
        var note = BenchEvent.DefaultNote;
        for (var c = 0; c < commands; c++)
            foreach (var writer in writers) writer.Tell(new Writer.Write(batch, note), counter);
        await done.Task;
        sw.Stop();
        foreach (var writer in writers) system.Stop(writer);
        system.Stop(counter);
        return sw.Elapsed;
    }

    private sealed class Writer : ReceivePersistentActor
    {
        public sealed record Write(int Events, string Note);

        private long _value;

        public Writer(string persistenceId, CountdownEvent recovered)
        {
            PersistenceId = persistenceId;
            Recover<RecoveryCompleted>(_ => recovered.Signal());
            Command<Write>(w =>
            {
                if (w.Events == 1)
                {
                    Persist(new BenchEvent(++_value, w.Note), e => Sender.Tell(1L));
                    return;
                }
                var events = new BenchEvent[w.Events];
                for (var i = 0; i < events.Length; i++) events[i] = new BenchEvent(++_value, w.Note);
                var left = events.Length;
                PersistAll(events, _ =>
                {
                    if (--left == 0) Sender.Tell((long)events.Length);
                });
            });
        }

        public override string PersistenceId { get; }
    }

    private sealed class AckCounter(long expected, TaskCompletionSource done) : ActorBase
    {
        private long _acked;

        protected override bool Receive(object message)
        {
            if (message is not long n) return false;
            _acked += n;
            if (_acked >= expected) done.TrySetResult();
            return true;
        }
    }
}
