using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Pattern;

public sealed class PipeToSpec : TestKit
{
    private sealed record Done(int Value);

    private sealed record Work(Task<int> Job);

    /// <summary>Pipes long work to itself and stays responsive meanwhile.</summary>
    private sealed class Worker : ReceiveActor
    {
        public Worker(IActorRef reportTo)
        {
            Receive<Work>(w => w.Job.PipeTo(Self, Self, ok => new Done(ok)));
            Receive<Done>(d => reportTo.Tell(d, Self));
            Receive<string>(s => Sender.Tell("pong: " + s));
        }
    }

    [Fact]
    public async Task A_successful_task_tells_its_result_with_the_given_sender()
    {
        var probe = CreateTestProbe();

        await Task.FromResult("result").PipeTo(TestActor, probe.Ref);

        await ExpectMsgAsync("result");
        LastSender.Should().Be(probe.Ref);
    }

    [Fact]
    public async Task Without_a_sender_the_result_comes_from_no_sender()
    {
        await Task.FromResult(5).PipeTo(TestActor);

        await ExpectMsgAsync(5);
        LastSender.Should().Be(ActorRefs.NoSender);
    }

    [Fact]
    public async Task The_result_is_told_when_the_task_completes_later()
    {
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        _ = tcs.Task.PipeTo(TestActor);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
        tcs.SetResult(3);

        await ExpectMsgAsync(3);
    }

    [Fact]
    public async Task A_faulted_task_tells_Status_Failure_with_the_original_exception()
    {
        var boom = new InvalidOperationException("boom");

        await Task.FromException<int>(boom).PipeTo(TestActor);

        var failure = await ExpectMsgAsync<Status.Failure>();
        failure.Cause.Should().BeSameAs(boom);
    }

    [Fact]
    public async Task A_cancelled_task_tells_Status_Failure_with_a_TaskCanceledException()
    {
        await Task.FromCanceled<int>(new CancellationToken(canceled: true)).PipeTo(TestActor);

        var failure = await ExpectMsgAsync<Status.Failure>();
        failure.Cause.Should().BeOfType<TaskCanceledException>();
    }

    [Fact]
    public async Task The_success_mapping_shapes_the_message()
    {
        await Task.FromResult(20).PipeTo(TestActor, success: n => new Done(n + 1));

        await ExpectMsgAsync(new Done(21));
    }

    [Fact]
    public async Task The_failure_mapping_shapes_the_message()
    {
        await Task.FromException<int>(new ArgumentException("bad input")).PipeTo(TestActor,
            success: n => new Done(n), failure: ex => "failed: " + ex.Message);

        await ExpectMsgAsync("failed: bad input");
    }

    [Fact]
    public async Task A_task_without_result_tells_Status_Success_or_its_mapping()
    {
        await Task.CompletedTask.PipeTo(TestActor);
        (await ExpectMsgAsync<Status.Success>()).Status.Should().BeNull();

        await Task.CompletedTask.PipeTo(TestActor, success: () => "finished");
        await ExpectMsgAsync("finished");
    }

    [Fact]
    public async Task A_faulted_task_without_result_tells_Status_Failure_or_its_mapping()
    {
        await Task.FromException(new TimeoutException("slow")).PipeTo(TestActor);
        (await ExpectMsgAsync<Status.Failure>()).Cause.Should().BeOfType<TimeoutException>();

        await Task.FromException(new TimeoutException("slow")).PipeTo(TestActor, failure: ex => ex.GetType().Name);
        await ExpectMsgAsync("TimeoutException");
    }

    [Fact]
    public async Task An_actor_piping_long_work_to_itself_stays_responsive()
    {
        var job = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = Sys.ActorOf(Props.Create(() => new Worker(TestActor)), "worker");

        worker.Tell(new Work(job.Task));
        worker.Tell("ping");
        await ExpectMsgAsync("pong: ping");

        job.SetResult(7);
        await ExpectMsgAsync(new Done(7));
        LastSender.Should().Be(worker);
    }
}
