using LlmSpell.Actors.Pattern;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Persistence.Tests.Actor;

public sealed class PersistFailureSpec : TestKit
{
    private readonly FaultyJournal _journal = new();

    public PersistFailureSpec() => PersistenceExtension.Register(Sys, _journal, new InMemorySnapshotStore(), TestSerializer.Create());

    [Fact]
    public async Task A_failed_write_calls_OnPersistFailure_skips_the_handler_and_stops_the_actor()
    {
        var pid = TestSerializer.NewPersistenceId();
        var counter = Watch(Sys.ActorOf(Counter.Props(pid, TestActor)));
        await ExpectMsgAsync<Counter.Recovered>();
        _journal.FailNextWrites(1);

        counter.Tell(new Counter.Add(5));
        counter.Tell(Counter.Get.Instance);

        var failed = await ExpectMsgAsync<Counter.PersistFailed>();
        failed.Cause.Should().BeOfType<IOException>();
        failed.Event.Should().Be(new Added(5));
        failed.SequenceNr.Should().Be(1);
        await ExpectTerminatedAsync(counter); // no Ack: the handler never ran; the stashed Get went to dead letters
        (await _journal.ReadHighestSequenceNrAsync(pid)).Should().Be(0);
    }

    [Fact]
    public async Task A_backoff_supervisor_brings_the_actor_back_after_a_failed_write_and_it_persists_again()
    {
        var pid = TestSerializer.NewPersistenceId();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(
            // Manual reset: the restart count must still show the one restart when the spec asks for it.
            BackoffOptions.OnStop(Counter.Props(pid, TestActor), "counter", TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), 0)
                .WithManualReset()));
        await ExpectMsgAsync<Counter.Recovered>();
        supervisor.Tell(new Counter.Add(1));
        await ExpectMsgAsync<Counter.Ack>();
        _journal.FailNextWrites(1);

        supervisor.Tell(new Counter.Add(2));

        (await ExpectMsgAsync<Counter.PersistFailed>()).SequenceNr.Should().Be(2);
        var recovered = await ExpectMsgAsync<Counter.Recovered>(); // the new incarnation
        (recovered.Total, recovered.LastSequenceNr).Should().Be((1, 1L));
        supervisor.Tell(new Counter.Add(3));
        (await ExpectMsgAsync<Counter.Ack>()).Should().Be(new Counter.Ack(3, 2));
        (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance)).Count.Should().Be(1);
    }
}
