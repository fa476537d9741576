using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class SmokeSpec : TestKit
{
    private sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            Receive<string>(s => Sender.Tell(s));
            ReceiveAsync<int>(async i =>
            {
                await Task.Delay(10);
                Sender.Tell(i * 2);
            });
            Receive<Exception>(e => throw e);
        }
    }

    [Fact]
    public async Task Echo_replies_to_the_implicit_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        echo.Tell("hello");
        ExpectMsg("hello");
        echo.Tell(21);
        await ExpectMsgAsync(42);
        (await echo.Ask<string>("asked")).Should().Be("asked");
        echo.Tell(new InvalidOperationException("boom"));
        echo.Tell("after restart");
        ExpectMsg("after restart");
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
    }
}
