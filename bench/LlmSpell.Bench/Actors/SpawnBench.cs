using System.Diagnostics;
using Akka.Actor;

namespace LlmSpell.Bench.Actors;

/// <summary>Creates <c>--n</c> actors under one parent and waits until every one has run PreStart.</summary>
public static class SpawnBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Int("n", 1_000_000);
        var runs = args.Int("runs", 5);
        using var system = ActorSystem.Create("spawn", "akka.loglevel = WARNING");
        await RunOnceAsync(system, n); // warm-up: JIT tiering and heap growth, not reported
        for (var r = 0; r < runs; r++)
        {
            var elapsed = await RunOnceAsync(system, n);
            BenchRunner.Emit(new
            {
                bench = "spawn", actors = n, run = r + 1,
                elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
                actors_per_s = Math.Round(n / elapsed.TotalSeconds),
            });
        }
    }

    private static async Task<TimeSpan> RunOnceAsync(ActorSystem system, int n)
    {
        var started = new CountdownEvent(n);
        GC.Collect();
        var sw = Stopwatch.StartNew();
        var parent = system.ActorOf(Props.Create(() => new Parent(n, started)));
        await Task.Run(() => started.Wait());
        sw.Stop();
        // Let the million stop before the next run, so runs do not overlap.
        var stopped = new TaskCompletionSource();
        system.ActorOf(Props.Create(() => new StopWatcher(parent, stopped)));
        await stopped.Task;
        return sw.Elapsed;
    }

    private sealed class Parent : ActorBase
    {
        private readonly int _n;
        private readonly CountdownEvent _started;

        public Parent(int n, CountdownEvent started)
        {
            _n = n;
            _started = started;
        }

        protected override void PreStart()
        {
            var props = Props.Create(() => new Child(_started));
            for (var i = 0; i < _n; i++) Context.ActorOf(props);
        }

        protected override bool Receive(object message) => false;
    }

    private sealed class StopWatcher : ReceiveActor
    {
        public StopWatcher(IActorRef target, TaskCompletionSource stopped)
        {
            Receive<Terminated>(_ =>
            {
                stopped.TrySetResult();
                Context.Stop(Self);
            });
            Context.Watch(target);
            Context.Stop(target);
        }
    }

    private sealed class Child(CountdownEvent started) : ActorBase
    {
        protected override void PreStart() => started.Signal();
        protected override bool Receive(object message) => false;
    }
}
