using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Pattern;

public sealed class AskSpec : TestKit
{
    private static readonly TimeSpan ShortAskTimeout = TimeSpan.FromMilliseconds(300);

    public AskSpec() : base(ActorSystemSettings.Default.WithAskTimeout(ShortAskTimeout)) { }

    private sealed record Fail(string Reason);

    private sealed record Question(string Text);

    /// <summary>Answers strings, stays silent on ints, replies a Status.Failure on Fail, answers a Question with a number.</summary>
    private sealed class Responder : ReceiveActor
    {
        public Responder()
        {
            Receive<string>(s => Sender.Tell("re: " + s));
            Receive<int>(_ => { });
            Receive<Fail>(f => Sender.Tell(new Status.Failure(new InvalidOperationException(f.Reason))));
            Receive<Question>(_ => Sender.Tell(42));
        }
    }

    private IActorRef NewResponder(string name = "responder") => Sys.ActorOf(Props.Create(() => new Responder()), name);

    [Fact]
    public async Task Reply_completes_the_task_with_the_reply()
    {
        var responder = NewResponder();

        var reply = await responder.Ask<string>("hello", TimeSpan.FromSeconds(3));

        reply.Should().Be("re: hello");
    }

    [Fact]
    public async Task Untyped_ask_completes_with_the_reply_object()
    {
        var responder = NewResponder();

        var reply = await responder.Ask(new Question("meaning"), TimeSpan.FromSeconds(3));

        reply.Should().Be(42);
    }

    [Fact]
    public async Task Ask_sends_from_a_temporary_actor_not_from_the_test_actor()
    {
        var probe = CreateTestProbe();

        var pending = probe.Ref.Ask<string>("who is asking?", TimeSpan.FromSeconds(3));
        await probe.ExpectMsgAsync("who is asking?");
        probe.LastSender.Should().NotBe(TestActor);
        probe.LastSender.Should().NotBe(ActorRefs.NoSender);
        probe.Reply("me");

        (await pending).Should().Be("me");
    }

    [Fact]
    public async Task No_reply_within_the_timeout_fails_with_AskTimeoutException_naming_the_target()
    {
        var responder = NewResponder("silent");

        var act = () => responder.Ask<string>(7, TimeSpan.FromMilliseconds(100));

        var thrown = await act.Should().ThrowAsync<AskTimeoutException>();
        thrown.Which.Message.Should().Contain(responder.Path.ToString()).And.Contain("Int32");
    }

    [Fact]
    public async Task Status_Failure_reply_faults_the_task_with_its_cause()
    {
        var responder = NewResponder();

        var act = () => responder.Ask<string>(new Fail("no can do"), TimeSpan.FromSeconds(3));

        (await act.Should().ThrowExactlyAsync<InvalidOperationException>()).WithMessage("no can do");
    }

    [Fact]
    public async Task Cancelling_the_token_cancels_the_ask()
    {
        var responder = NewResponder();
        using var cts = new CancellationTokenSource();

        var pending = responder.Ask<string>(7, TimeSpan.FromSeconds(10), cts.Token);
        pending.IsCompleted.Should().BeFalse();
        cts.Cancel();

        var act = () => pending;
        await act.Should().ThrowAsync<TaskCanceledException>();
    }

    [Fact]
    public async Task An_already_cancelled_token_cancels_the_ask_at_once()
    {
        var probe = CreateTestProbe();

        var pending = probe.Ref.Ask<string>("never sent", TimeSpan.FromSeconds(10), new CancellationToken(canceled: true));

        pending.IsCanceled.Should().BeTrue();
        var act = () => pending;
        await act.Should().ThrowAsync<TaskCanceledException>();
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Without_a_timeout_the_ask_times_out_after_the_systems_AskTimeout()
    {
        var responder = NewResponder("silent");
        Sys.Settings.AskTimeout.Should().Be(ShortAskTimeout);

        await WithinAsync(ShortAskTimeout - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(3), async () =>
        {
            var act = () => responder.Ask<string>(7);
            await act.Should().ThrowAsync<AskTimeoutException>();
        });
    }

    [Fact]
    public async Task An_explicit_timeout_overrides_the_systems_AskTimeout()
    {
        var responder = NewResponder("silent");

        await WithinAsync(TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(3), async () =>
        {
            var act = () => responder.Ask<string>(7, TimeSpan.FromMilliseconds(800));
            await act.Should().ThrowAsync<AskTimeoutException>();
        });
    }

    [Fact]
    public async Task Reply_of_the_wrong_type_fails_with_InvalidCastException_naming_both_types()
    {
        var responder = NewResponder();

        var act = () => responder.Ask<string>(new Question("meaning"), TimeSpan.FromSeconds(3));

        var thrown = await act.Should().ThrowAsync<InvalidCastException>();
        thrown.Which.Message.Should().Contain("String").And.Contain("Int32");
    }

    [Fact]
    public async Task Ask_to_a_stopped_actor_times_out_rather_than_hanging()
    {
        var responder = Watch(NewResponder());
        Sys.Stop(responder);
        await ExpectTerminatedAsync(responder);

        var act = () => responder.Ask<string>("anyone?");

        await act.Should().ThrowAsync<AskTimeoutException>();
    }

    [Fact]
    public async Task An_ask_pending_when_the_system_terminates_still_times_out()
    {
        var responder = NewResponder("silent");
        var pending = responder.Ask<string>(7, TimeSpan.FromMilliseconds(300));

        await Sys.Terminate();

        var act = () => pending.WaitAsync(TimeSpan.FromSeconds(3));
        await act.Should().ThrowAsync<AskTimeoutException>();
    }
}
