using Akka.Actor;

namespace LlmSpell.Bench.Actors;

/// <summary>Managed heap growth per started, idle actor (a ReceiveActor with one handler).</summary>
public static class IdleMemoryBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Int("n", 100_000);
        var runs = args.Int("runs", 1);
        for (var r = 0; r < runs; r++)
        {
            using var system = ActorSystem.Create("idle", "akka.loglevel = WARNING");
            var started = new CountdownEvent(n);
            var before = Measure();
            var actors = new IActorRef[n];
            var props = Props.Create(() => new Idle(started)); // shared, as applications share Props
            for (var i = 0; i < n; i++) actors[i] = system.ActorOf(props);
            await Task.Run(() => started.Wait());
            var after = Measure();
            GC.KeepAlive(actors);
            BenchRunner.Emit(new
            {
                bench = "idle-memory", actors = n, run = r + 1,
                // The refs array is the benchmark's own; it is not counted.
                bytes_per_actor = Math.Round((after - before - (long)n * IntPtr.Size) / (double)n, 1),
            });
        }
    }

    private static long Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private sealed class Idle : ReceiveActor
    {
        public Idle(CountdownEvent started)
        {
            started.Signal();
            Receive<string>(s => Sender.Tell(s, Self));
        }
    }
}
