using System.Diagnostics;
using Akka.Actor;

namespace LlmSpell.Bench.Actors;

/// <summary>
/// Pairs of actors bounce a message; each pair keeps <c>--inflight</c> messages in the air
/// (as Akka.NET's PingPong keeps its clients busy). Every delivery counts: a ping and its pong are two.
/// </summary>
public static class PingPongBench
{
    private static readonly object Ball = new();

    public static async Task RunAsync(BenchArgs args)
    {
        var pairs = args.Int("pairs", 8);
        var messages = args.Int("n", 20_000_000);
        var runs = args.Int("runs", 5);
        var inflight = args.Int("inflight", 100);
        var throughput = args.Int("throughput", 30);
        using var system = ActorSystem.Create("pingpong", $"akka.loglevel = WARNING\nakka.actor.default-dispatcher.throughput = {throughput}");
        await RunOnceAsync(system, pairs, messages, inflight); // warm-up: JIT tiering and PGO, not reported
        for (var r = 0; r < runs; r++)
        {
            var elapsed = await RunOnceAsync(system, pairs, messages, inflight);
            BenchRunner.Emit(new
            {
                bench = "pingpong", pairs, messages, inflight, throughput, run = r + 1,
                elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
                msgs_per_s = Math.Round(messages / elapsed.TotalSeconds),
            });
        }
    }

    private static async Task<TimeSpan> RunOnceAsync(ActorSystem system, int pairs, int messages, int inflight)
    {
        var perPair = messages / pairs / 2; // round trips per pair
        var done = new CountdownEvent(pairs);
        var pings = new List<IActorRef>();
        for (var i = 0; i < pairs; i++)
        {
            var pong = system.ActorOf(Props.Create(() => new Pong()));
            pings.Add(system.ActorOf(Props.Create(() => new Ping(pong, perPair, Math.Min(inflight, perPair), done))));
        }
        GC.Collect();
        var sw = Stopwatch.StartNew();
        foreach (var ping in pings) ping.Tell(Start.Instance, ActorRefs.NoSender);
        await Task.Run(() => done.Wait());
        sw.Stop();
        foreach (var ping in pings) system.Stop(ping);
        return sw.Elapsed;
    }

    private sealed class Start
    {
        public static readonly Start Instance = new();
    }

    private sealed class Ping : ActorBase
    {
        private readonly IActorRef _pong;
        private readonly int _inflight;
        private readonly CountdownEvent _done;
        private int _toSend;
        private int _toReceive;

        public Ping(IActorRef pong, int roundTrips, int inflight, CountdownEvent done)
        {
            _pong = pong;
            _inflight = inflight;
            _done = done;
            _toSend = roundTrips;
            _toReceive = roundTrips;
        }

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Ball))
            {
                if (--_toReceive == 0) _done.Signal();
                else if (_toSend > 0)
                {
                    _toSend--;
                    _pong.Tell(Ball, Self);
                }
                return true;
            }
            for (var i = 0; i < _inflight; i++)
            {
                _toSend--;
                _pong.Tell(Ball, Self);
            }
            return true;
        }
    }

    private sealed class Pong : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }
}
