using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Runs;

/// <summary>An ordinary actor of the application drives runs through the runs actor's public protocol, by Tell only.</summary>
public sealed class ApplicationActorSpec : EngineSpec
{
    /// <summary>The app's actor: sends what it is told to the runs actor as itself, and reports everything it hears.</summary>
    private sealed class Application : ReceiveActor
    {
        public Application(IActorRef runs, IActorRef report)
        {
            Receive<StartRun>(start => runs.Tell(start with { Subscriber = Self }));
            Receive<CancelRun>(cancel => runs.Tell(cancel));
            Receive<SignalRun>(signal => runs.Tell(signal));
            Receive<GetRunStatus>(status => runs.Tell(status));
            ReceiveAny(report.Tell);
        }
    }

    private IActorRef App() => Sys.ActorOf(Props.Create(() => new Application(Engine.Runs, TestActor)), "app");

    /// <summary>Everything the app hears until <paramref name="last"/> holds.</summary>
    private List<object> ReceiveUntil(Func<object, bool> last)
    {
        var received = new List<object>();
        FishForMessage<object>(m =>
        {
            received.Add(m);
            return last(m);
        }, RunLimit);
        return received;
    }

    [Fact]
    public void An_application_actor_starts_a_run_receives_its_events_and_result_cancels_a_second_and_signals_a_third()
    {
        Tools.Echo("a").Echo("b").Hangs("slow").Echo("publish");
        var app = App();

        // 1. A run started by Tell: accepted, then every event in order, then the result.
        app.Tell(new StartRun(Sequential("one", Tool("a", parameters: """{"n":1}"""), Tool("b", parameters: """{"n":2}"""))) { RunId = "one" });
        var first = ReceiveUntil(m => m is RunFinished);
        first.OfType<RunAccepted>().Should().ContainSingle().Which.RunId.Should().Be("one");
        var events = first.OfType<WorkflowEvent>().ToList();
        events.First().Should().BeOfType<RunStarted>();
        events.OfType<StepCompleted>().Select(e => e.Step).Should().Equal("a", "b");
        events.Last().Should().BeOfType<RunCompleted>();
        events.Should().OnlyContain(e => e.RunId == "one");
        var result = first.Last().Should().BeOfType<RunFinished>().Which.Result;
        result.Status.Should().Be(RunStatus.Completed);
        result.Output!["n"]!.GetValue<int>().Should().Be(2);

        // 2. A second run, cancelled while its step hangs.
        app.Tell(new StartRun(Sequential("two", Tool("slow"))) { RunId = "two" });
        ReceiveUntil(m => m is StepStarted { Step: "slow" });
        app.Tell(new CancelRun("two", "the app changed its mind"));
        var second = ReceiveUntil(m => m is RunFinished);
        second.OfType<RunCancelling>().Should().ContainSingle().Which.RunId.Should().Be("two");
        var cancelled = ((RunFinished)second.Last()).Result;
        (cancelled.RunId, cancelled.Status).Should().Be(("two", RunStatus.Cancelled));
        cancelled.Error.Should().Contain("the app changed its mind");

        // 3. A third run waits for a signal: its status says so, and the signal's payload carries it on.
        app.Tell(new StartRun(Sequential("three", Wait("approval", "approve"), Tool("publish", parameters: """{"by":"{{steps.approval.output.by}}"}"""))) { RunId = "three" });
        ReceiveUntil(m => m is SignalAwaited { Signal: "approve" });
        app.Tell(new GetRunStatus("three"));
        var status = ExpectMsg<RunStatusReport>(RunLimit);
        (status.RunId, status.WorkflowName, status.IsWaiting).Should().Be(("three", "three", true));
        status.WaitingFor.Should().Equal("approve");
        app.Tell(new SignalRun("three", "approve", new JsonObject { ["by"] = "ana" }));
        var third = ReceiveUntil(m => m is RunFinished);
        third.OfType<SignalAccepted>().Should().ContainSingle().Which.Signal.Should().Be("approve");
        var approved = ((RunFinished)third.Last()).Result;
        approved.Status.Should().Be(RunStatus.Completed, approved.Error);
        approved.Output!["by"]!.GetValue<string>().Should().Be("ana");
    }

    [Fact]
    public void A_late_subscriber_gets_the_events_so_far_then_the_live_ones_then_the_result()
    {
        Tools.Echo("draft").Echo("publish");
        Engine.Runs.Tell(new StartRun(Sequential("late", Tool("draft"), Wait("approval", "go"), Tool("publish"))) { RunId = "late" });
        ExpectMsg<RunAccepted>(RunLimit);
        AwaitCondition(() => Engine.Runs.Ask<RunStatusReport>(new GetRunStatus("late")).Result.IsWaiting, RunLimit);

        var late = CreateTestProbe();
        Engine.Runs.Tell(new SubscribeToRun("late", late.Ref));
        ExpectMsg<SubscribedToRun>(RunLimit);
        late.ExpectMsg<RunStarted>(RunLimit);
        late.FishForMessage<SignalAwaited>(_ => true, RunLimit);
        Engine.Runs.Tell(new SignalRun("late", "go"));
        ExpectMsg<SignalAccepted>(RunLimit);
        late.FishForMessage<RunFinished>(_ => true, RunLimit).Result.Status.Should().Be(RunStatus.Completed);
    }

    [Fact]
    public void Requests_the_runs_actor_cannot_honour_are_rejected_with_a_reason()
    {
        Tools.Hangs("slow");
        Engine.Runs.Tell(new StartRun(Sequential("bad")));
        ExpectMsg<RunRejected>(RunLimit).Kind.Should().Be(RejectionKind.Invalid);
        Engine.Runs.Tell(new StartRun(Sequential("typo", Tool("x", tool: "slwo"))));
        var typo = ExpectMsg<RunRejected>(RunLimit);
        typo.Kind.Should().Be(RejectionKind.Invalid);
        typo.Reason.Should().Contain("unknown tool 'slwo'; did you mean 'slow'?");

        Engine.Runs.Tell(new StartRun(Sequential("busy", Tool("slow"))) { RunId = "busy" });
        ExpectMsg<RunAccepted>(RunLimit);
        Engine.Runs.Tell(new StartRun(Sequential("busy", Tool("slow"))) { RunId = "busy" });
        var duplicate = ExpectMsg<RunRejected>(RunLimit);
        (duplicate.Kind, duplicate.RunId).Should().Be((RejectionKind.AlreadyActive, "busy"));

        Engine.Runs.Tell(new GetRunStatus("nobody"));
        ExpectMsg<RunRejected>(RunLimit).Reason.Should().Contain("'nobody'");
        Engine.Runs.Tell(new SignalRun("busy", "never"));
        var signal = ExpectMsg<RunRejected>(RunLimit);
        signal.Kind.Should().Be(RejectionKind.NotApplicable);
        signal.Reason.Should().Contain("'never'");
    }
}
