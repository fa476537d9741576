using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using LlmSpell.Cluster.Tests.Support;
using LlmSpell.Testing;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster.Tests;

/// <summary>
/// Runs as sharded entities, in one process: a runs node (engine on a SQLite journal) and the test's own system as an app node of
/// another role, which reaches the runs only through a shard-region proxy — every message crosses remoting with our serializer.
/// </summary>
public sealed class ShardedRunsSpec : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan RunLimit = TestTime.Dilated(TimeSpan.FromSeconds(30));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llmspell-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _calls = new();
    private RunStoreOptions _store = null!;
    private ActorSystem _node = null!;
    private WorkflowEngine _engine = null!;

    public ShardedRunsSpec() : base(AppNodeConfig(), "llmspell")
    {
    }

    private static Config AppNodeConfig() => ConfigurationFactory.ParseString(
            TestTime.AkkaConfig + "\n" + new ClusterNodeOptions().WithPort(0).WithRoles(["app"]).ToHocon());

    public async Task InitializeAsync()
    {
        _store = RunStoreOptions.Sqlite(Path.Combine(_directory, "llmspell.db"));
        await _store.PrepareAsync();
        var node = new ClusterNodeOptions().WithPort(0);
        _node = _store.CreateSystem(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString(TestTime.AkkaConfig + "\n" + node.ToHocon()));
        ClusterNode.Join(_node, node);
        var tools = new ToolRegistry();
        tools.AddTool(new DelegateTool("echo", "echoes its step", new JsonObject(), (args, _, _) =>
        {
            var step = args.Values["step"]!.GetValue<string>();
            _calls.Enqueue(step);
            return Task.FromResult<JsonNode?>(new JsonObject { ["echo"] = step });
        }));
        var durable = new DurableRunOptions { ResumeOnStart = false };
        _engine = new WorkflowEngine(_node, new WorkflowServices { Tools = tools, Agents = new NoAgents() },
            WorkflowEngineOptions.Default.WithDurability(durable).WithPlacement(new ShardedRuns()));
        ClusterNode.Join(Sys, new ClusterNodeOptions().WithSeeds([Akka.Cluster.Cluster.Get(_node).SelfAddress.ToString()]));
        await AwaitMembersUpAsync(2);
    }

    public async Task DisposeAsync()
    {
        await _node.Terminate();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Still held by the OS: the temp directory is cleaned later.
        }
    }

    private async Task AwaitMembersUpAsync(int count)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        using var limit = new CancellationTokenSource(RunLimit);
        while (cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < count)
            await Task.Delay(50, limit.Token);
    }

    private static WorkflowDefinition Sequential(string name, params string[] steps) => new()
    {
        Name = name,
        Steps = steps.Select(s => new StepDefinition
        {
            Name = s,
            Kind = StepKind.Tool,
            Tool = new ToolStepSpec { ToolName = "echo", Parameters = new JsonObject { ["step"] = s } },
        }).ToList(),
    };

    [Fact]
    public void An_app_node_starts_a_run_through_a_proxy_and_receives_its_events_and_result_from_the_runs_node()
    {
        var runs = ShardedRuns.StartProxy(Sys);
        var app = CreateTestProbe();

        runs.Tell(new StartRun(Sequential("remote", "a", "b"), new JsonObject { ["topic"] = "x" }) { RunId = "remote-1", Subscriber = app.Ref }, app.Ref);

        var received = new List<object>();
        app.FishForMessage(m =>
        {
            received.Add(m);
            return m is RunFinished;
        }, RunLimit);
        received.OfType<RunAccepted>().Should().ContainSingle().Which.RunId.Should().Be("remote-1");
        var kinds = received.OfType<WorkflowEvent>().Select(e => e.Kind).ToList();
        kinds.First().Should().Be("run_started");
        kinds.Where(k => k == "step_completed").Should().HaveCount(2);
        var result = received.OfType<RunFinished>().Single().Result;
        result.Status.Should().Be(RunStatus.Completed);
        result.RunId.Should().Be("remote-1");
        _calls.Should().Equal("a", "b");
    }

    [Fact]
    public async Task The_engine_of_a_runs_node_starts_runs_as_entities_and_an_ended_run_is_not_active_any_more()
    {
        var run = await _engine.StartAsync(Sequential("local", "a"));
        (await run.Completion.WaitAsync(RunLimit)).Status.Should().Be(RunStatus.Completed);

        // The ended run's entity let go; asking for it finds no active run, from this node or the app's.
        var proxy = ShardedRuns.StartProxy(Sys);
        proxy.Tell(new GetRunStatus(run.Id), TestActor);
        ExpectMsg<RunRejected>(RunLimit).Kind.Should().Be(RejectionKind.NotFound);
        (await _engine.GetSummaryAsync(run.Id)).State.Should().Be(RunState.Completed);
    }
}
