using Akka.Actor;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;
using LlmSpell.Workflows.Tests.Durability;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Runs;

/// <summary>
/// A run's entity (placed runs, <see cref="RunEntities"/>) under a stand-in for a shard region: one entity per run id, passivation
/// on request, and a hand-off that stops the entities and starts them again, as remember-entities does on the next node.
/// </summary>
public sealed class RunEntitySpec : DurableSpec
{
    private sealed record Passivate(string RunId);

    private sealed record HandOffAll;

    /// <summary>
    /// The shard region's part, as Akka's Shard and ShardRegion do it: routes by run id; passivates on request and hands entities
    /// off (their next node starts them again at once, as remember-entities does), buffering the messages that arrive for an entity
    /// on its way out and delivering them to its next incarnation once it has stopped.
    /// </summary>
    private sealed class Shard : ReceiveActor
    {
        private readonly Dictionary<string, IActorRef> _entities = new(StringComparer.Ordinal);
        private readonly HashSet<string> _handedOff = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _leaving = new(StringComparer.Ordinal);

        public Shard(RunEntities entities, IActorRef events)
        {
            IActorRef Entity(string id)
            {
                if (_entities.TryGetValue(id, out var entity)) return entity;
                entity = Context.Watch(Context.ActorOf(entities.Props(id, new Passivate(id))));
                events.Tell($"started {id}");
                return _entities[id] = entity;
            }

            void Deliver(string id, object message)
            {
                if (_leaving.TryGetValue(id, out var buffered)) buffered.Add((message, Sender));
                else Entity(id).Forward(message);
            }

            Receive<StartRun>(start => Deliver(start.RunId!, start));
            Receive<IRunMessage>(message => Deliver(message.RunId, message));
            Receive<Passivate>(p =>
            {
                events.Tell($"passivating {p.RunId}");
                _leaving[p.RunId] = [];
                Sender.Tell(RunEntities.StopWhenIdle);
            });
            Receive<HandOffAll>(_ =>
            {
                foreach (var (id, entity) in _entities)
                {
                    _handedOff.Add(id);
                    _leaving[id] = [];
                    entity.Tell(RunEntities.HandOff);
                }
            });
            Receive<Terminated>(t =>
            {
                var id = _entities.Single(e => e.Value.Equals(t.ActorRef)).Key;
                _entities.Remove(id);
                events.Tell($"stopped {id}");
                // Remembered: its next node starts it again at once.
                if (_handedOff.Remove(id)) Entity(id);
                // Messages that came while it was on its way out go to its next incarnation (started for them if passivated).
                if (_leaving.Remove(id, out var buffered) && buffered.Count > 0)
                    foreach (var (message, sender) in buffered) Entity(id).Tell(message, sender);
            });
        }
    }

    private sealed class Placement(IActorRef events) : IRunPlacement
    {
        public IActorRef? Shard { get; private set; }

        public ActorSystem? System { get; private set; }

        public IActorRef Start(ActorSystem system, RunEntities entities)
        {
            System = system;
            return Shard = system.ActorOf(Props.Create(() => new Shard(entities, events)), "shard");
        }
    }

    private static WorkflowDefinition ThreeSteps => Sequential("three", Tool("fetch"), Tool("work"), Tool("report"));

    private (WorkflowEngine Engine, Placement Placement, Akka.TestKit.TestProbe Events) PlacedEngine(ScriptedTools tools, string runId,
        double keepEndedSeconds = 1)
    {
        var system = NewSystem();
        var events = new Akka.TestKit.Xunit2.TestKit(system).CreateTestProbe();
        var placement = new Placement(events.Ref);
        var options = WorkflowEngineOptions.Default
            .WithDurability(new DurableRunOptions { ResumeOnStart = false, KeepEndedRunsFor = TimeSpan.FromSeconds(keepEndedSeconds) })
            .WithPlacement(placement)
            .WithRunIdGenerator(() => runId);
        return (new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = new ScriptedAgents() }, options), placement, events);
    }

    [Fact]
    public async Task A_run_handed_over_finishes_its_running_step_starts_nothing_more_and_goes_on_in_its_next_entity()
    {
        var gate = new TaskCompletionSource();
        var tools = new ScriptedTools().Counts("fetch").WaitsFor("work", gate.Task).Echo("report");
        var (engine, placement, events) = PlacedEngine(tools, "moving");
        var run = await engine.StartAsync(ThreeSteps);
        await tools.WhenCalled("work").WaitAsync(RunLimit);

        var handingOver = new Akka.TestKit.Xunit2.TestKit(placement.System!).CreateTestProbe();
        placement.System!.EventStream.Subscribe(handingOver.Ref, typeof(RunHandingOver));

        placement.Shard!.Tell(new HandOffAll());
        // The run has taken the hand-off (it starts nothing more) before its running step may end.
        handingOver.ExpectMsg<RunHandingOver>(RunLimit).RunId.Should().Be("moving");
        gate.SetResult();

        events.FishForMessage(m => m is "stopped moving", RunLimit);
        events.FishForMessage(m => m is "started moving", RunLimit);
        var result = await Finished(run);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        tools.Calls("fetch").Should().Be(1);
        tools.Calls("work").Should().Be(1, "the running step finished before the run moved, and was journaled");
        tools.Calls("report").Should().Be(1);
        var history = (await engine.GetHistoryAsync("moving")).Select(h => h.Event).ToList();
        history.Select(e => e switch { StepCompleted c => c.Key, RunResumed => "resumed", _ => null }).OfType<string>()
            .Should().Equal("fetch", "work", "resumed", "report");
        // The run ended: its entity asks to be let go, and goes.
        events.FishForMessage(m => m is "passivating moving", RunLimit);
        events.FishForMessage(m => m is "stopped moving", RunLimit);
    }

    [Fact]
    public async Task An_entity_for_a_new_id_waits_for_its_start_and_one_for_an_ended_run_refuses_and_passivates()
    {
        var tools = new ScriptedTools().Counts("fetch").Echo("work").Echo("report");
        var (engine, _, events) = PlacedEngine(tools, "fresh");

        var result = await Finished(await engine.StartAsync(ThreeSteps));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        events.FishForMessage(m => m is "passivating fresh", RunLimit);
        events.FishForMessage(m => m is "stopped fresh", RunLimit);
        // A request for the ended run starts its entity again, which finds it ended in the journal, refuses, and goes.
        var cancel = () => engine.CancelAsync("fresh");
        (await cancel.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("Run 'fresh' has already finished (completed)");
        events.FishForMessage(m => m is "passivating fresh", RunLimit);
        tools.Calls("fetch").Should().Be(1);
    }

    [Fact]
    public async Task An_entity_keeps_its_ended_run_a_while_so_that_a_subscriber_following_it_from_elsewhere_gets_the_result()
    {
        var tools = new ScriptedTools().Counts("fetch").Echo("work").Echo("report");
        var (engine, placement, _) = PlacedEngine(tools, "kept", keepEndedSeconds: 600);
        (await Finished(await engine.StartAsync(ThreeSteps))).Status.Should().Be(RunStatus.Completed);

        var follower = new Akka.TestKit.Xunit2.TestKit(placement.System!).CreateTestProbe();
        placement.Shard!.Tell(new SubscribeToRun("kept", follower.Ref), follower.Ref);

        var heard = new List<object>();
        follower.FishForMessage(m =>
        {
            heard.Add(m);
            return m is RunFinished;
        }, RunLimit);
        heard.OfType<RunFinished>().Single().Result.Status.Should().Be(RunStatus.Completed);
        // The requester hears the subscription is in place once the subscriber has been sent what there is.
        follower.ExpectMsg<SubscribedToRun>(RunLimit).RunId.Should().Be("kept");
        heard.OfType<WorkflowEvent>().Should().Contain(e => e is StepCompleted);
    }

    [Fact]
    public async Task A_cancel_of_an_id_never_started_is_refused_and_the_entity_lets_go()
    {
        var (engine, _, events) = PlacedEngine(new ScriptedTools(), "never");

        var cancel = () => engine.CancelAsync("never");

        (await cancel.Should().ThrowAsync<KeyNotFoundException>()).Which.Message.Should().Contain("no run with id 'never'");
        events.FishForMessage(m => m is "passivating never", RunLimit);
    }
}
