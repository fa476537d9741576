using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

/// <summary>Runs alone: it saturates the thread pool, which would skew the timing-based specs beside it.</summary>
[CollectionDefinition(nameof(MessageDeliverySpec), DisableParallelization = true)]
public sealed class MessageDeliveryCollection;

[Collection(nameof(MessageDeliverySpec))]
public sealed class MessageDeliverySpec : TestKit
{
    private const int Pairs = 100;
    private const int Actors = Pairs * 2;
    private const int TotalMessages = 1_000_000;
    private const int PerStream = TotalMessages / Actors / 2; // each actor sends two streams

    private sealed record Peers(IActorRef Partner, IActorRef Neighbour);

    private sealed record Go;

    private sealed class Seq(int n)
    {
        public int N { get; } = n;
    }

    private sealed record Done(int Sent);

    private sealed record Report(int Received, int Streams, int OutOfOrder, int CountMismatches);

    /// <summary>
    /// Sends one numbered stream to its partner and one to an actor of the next pair, interleaved,
    /// and checks the streams it receives: per sender, numbers must arrive as 0, 1, 2, … with none
    /// missing or repeated. Reports once both of its senders said they are done.
    /// </summary>
    private sealed class Peer : ReceiveActor
    {
        private readonly Dictionary<IActorRef, Stream> _streams = [];
        private int _received;
        private int _outOfOrder;
        private int _mismatches;
        private int _done;

        private sealed class Stream
        {
            public int Next;
        }

        public Peer(IActorRef reportTo)
        {
            Peers? peers = null;
            Receive<Peers>(p => peers = p);
            Receive<Go>(_ =>
            {
                for (var n = 0; n < PerStream; n++)
                {
                    peers!.Partner.Tell(new Seq(n));
                    peers.Neighbour.Tell(new Seq(n));
                }
                peers!.Partner.Tell(new Done(PerStream));
                peers.Neighbour.Tell(new Done(PerStream));
            });
            Receive<Seq>(seq =>
            {
                _received++;
                if (!_streams.TryGetValue(Sender, out var stream)) _streams[Sender] = stream = new Stream();
                if (seq.N == stream.Next) stream.Next++;
                else
                {
                    _outOfOrder++;
                    stream.Next = seq.N + 1;
                }
            });
            Receive<Done>(done =>
            {
                var got = _streams.TryGetValue(Sender, out var stream) ? stream.Next : 0;
                if (got != done.Sent) _mismatches++;
                if (++_done == 2) reportTo.Tell(new Report(_received, _streams.Count, _outOfOrder, _mismatches));
            });
        }
    }

    [Fact]
    public void A_million_messages_between_100_pairs_arrive_exactly_once_and_in_order_per_sender()
    {
        var peers = Enumerable.Range(0, Actors)
            .Select(i => Sys.ActorOf(Props.Create(() => new Peer(TestActor)), $"peer-{i}"))
            .ToArray();
        for (var i = 0; i < Actors; i++)
        {
            var partner = peers[i ^ 1];                // pair k is (2k, 2k+1)
            var neighbour = peers[(i + 2) % Actors];  // same side of the next pair
            peers[i].Tell(new Peers(partner, neighbour));
        }

        foreach (var peer in peers) peer.Tell(new Go());

        var reports = ReceiveN(Actors, TimeSpan.FromSeconds(30)).Cast<Report>().ToList();
        reports.Sum(r => r.Received).Should().Be(TotalMessages);
        reports.Should().OnlyContain(r => r.Received == 2 * PerStream, "each actor receives two full streams");
        reports.Should().OnlyContain(r => r.Streams == 2, "each message carried its real sender");
        reports.Sum(r => r.OutOfOrder).Should().Be(0, "no message was lost, repeated or reordered within a stream");
        reports.Sum(r => r.CountMismatches).Should().Be(0, "every stream was complete when its Done arrived");
        ExpectNoMsg();
    }
}
