using System.Collections.Concurrent;
using LlmSpell.Actors.Shutdown;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Shutdown;

public sealed class CoordinatedShutdownSpec : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<string> _log = new();

    private CoordinatedShutdown Shutdown => Sys.CoordinatedShutdown;

    /// <summary>Answers "alive" while it runs; records its PostStop.</summary>
    private sealed class Service : ReceiveActor
    {
        private readonly ConcurrentQueue<string> _log;

        public Service(ConcurrentQueue<string> log)
        {
            _log = log;
            Receive<string>(_ => Sender.Tell("alive"));
        }

        protected override void PostStop() => _log.Enqueue($"{Self.Path.Name} stopped");
    }

    private Func<CancellationToken, Task> Record(string entry) => _ =>
    {
        _log.Enqueue(entry);
        return Task.CompletedTask;
    };

    [Fact]
    public async Task Phases_run_in_their_order_whatever_the_order_tasks_were_added_in()
    {
        foreach (var phase in CoordinatedShutdown.Phases.Reverse()) Shutdown.AddTask(phase, $"record-{phase}", Record(phase));

        await Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance).WaitAsync(Long);

        _log.Should().Equal(CoordinatedShutdown.Phases);
    }

    [Fact]
    public async Task A_phase_starts_when_the_tasks_of_the_previous_phase_have_completed()
    {
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "slow", async ct =>
        {
            await Task.Delay(50, ct); // simulated work
            _log.Enqueue("slow finished");
        });
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "next", Record("next phase started"));

        await Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance).WaitAsync(Long);

        _log.Should().Equal("slow finished", "next phase started");
    }

    [Fact]
    public async Task The_tasks_of_one_phase_run_concurrently()
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Each waits for the other to have started: run one after the other, they would time out.
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "first", async _ =>
        {
            first.SetResult();
            await second.Task.WaitAsync(Long);
            _log.Enqueue("first saw second");
        });
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "second", async _ =>
        {
            second.SetResult();
            await first.Task.WaitAsync(Long);
            _log.Enqueue("second saw first");
        });

        await WithinAsync(TimeSpan.FromSeconds(3), () => Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance));

        _log.Should().BeEquivalentTo("first saw second", "second saw first");
    }

    [Fact]
    public async Task A_phase_that_exceeds_its_timeout_does_not_block_the_later_phases()
    {
        var hanging = new TaskCompletionSource();
        var token = CancellationToken.None;
        Shutdown.SetPhaseTimeout(CoordinatedShutdown.PhaseServiceUnbind, TimeSpan.FromMilliseconds(100));
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "hangs", ct =>
        {
            token = ct;
            return hanging.Task; // ignores its token
        });
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "later", Record("later phase ran"));

        await WithinAsync(TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(3),
            () => Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance));

        _log.Should().Equal("later phase ran");
        token.IsCancellationRequested.Should().BeTrue("the task of a timed-out phase is told to give up");
        Sys.WhenTerminated.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task A_failing_task_does_not_stop_the_shutdown()
    {
        Shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "throws", _ => throw new InvalidOperationException("sync"));
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "faults", _ => Task.FromException(new InvalidOperationException("async")));
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "later", Record("later phase ran"));

        await Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance).WaitAsync(Long);

        _log.Should().Equal("later phase ran");
        Sys.WhenTerminated.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task Run_is_idempotent_and_keeps_the_first_reason()
    {
        var runs = 0;
        Shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "count", _ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });

        var first = Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance);
        var second = Shutdown.Run(CoordinatedShutdown.ProcessExitReason.Instance);
        var viaTerminate = Sys.Terminate();

        second.Should().BeSameAs(first);
        viaTerminate.Should().BeSameAs(first);
        await first.WaitAsync(Long);
        runs.Should().Be(1);
        Shutdown.ShutdownReason.Should().BeSameAs(CoordinatedShutdown.UnknownReason.Instance);
    }

    [Fact]
    public async Task Terminate_runs_the_phases_and_the_last_phase_stops_every_actor()
    {
        var service = Sys.ActorOf(Props.Create(() => new Service(_log)), "service");
        var child = CreateTestProbe();
        Shutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "still-running", async _ =>
        {
            // Actors are still alive in the phases before the last.
            _log.Enqueue("before terminate: " + await service.Ask<string>("alive?", TimeSpan.FromSeconds(3)));
        });

        await Sys.Terminate().WaitAsync(Long);

        Sys.WhenTerminated.IsCompleted.Should().BeTrue();
        Shutdown.ShutdownReason.Should().BeSameAs(CoordinatedShutdown.ActorSystemTerminateReason.Instance);
        _log.Should().Equal("before terminate: alive", "service stopped");
        ((LocalActorRef)service).IsTerminated.Should().BeTrue();
        ((LocalActorRef)child.Ref).IsTerminated.Should().BeTrue("system actors are stopped too");
        ((LocalActorRef)TestActor).IsTerminated.Should().BeTrue();
    }

    [Fact]
    public void Adding_a_task_to_an_unknown_phase_throws_and_lists_the_phases()
    {
        var act = () => Shutdown.AddTask("before-everything", "task", Record("never"));

        var message = act.Should().Throw<ArgumentException>().Which.Message;
        message.Should().Contain("before-everything");
        foreach (var phase in CoordinatedShutdown.Phases) message.Should().Contain(phase);
    }

    [Fact]
    public void Setting_the_timeout_of_an_unknown_phase_throws()
    {
        var act = () => Shutdown.SetPhaseTimeout("before-everything", TimeSpan.FromSeconds(1));

        act.Should().Throw<ArgumentException>().WithMessage("*before-everything*");
    }

    [Fact]
    public async Task Adding_a_task_after_shutdown_started_throws()
    {
        var run = Shutdown.Run(CoordinatedShutdown.UnknownReason.Instance);

        var act = () => Shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "late", Record("never"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*late*");
        await run.WaitAsync(Long);
        _log.Should().BeEmpty();
    }
}
