using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Cluster.Tests.Support;
using LlmSpell.Testing;
using LlmSpell.TestServers;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster.Tests;

/// <summary>
/// Real <c>llmspell node start</c> processes on one journal, and this test process as an app node of its own role that reaches
/// the runs through a shard-region proxy: a node killed with SIGKILL mid-step, and its run goes on on the survivor.
/// </summary>
public sealed class NodeFailoverSpec : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TestTime.Dilated(TimeSpan.FromSeconds(60));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llmspell-nodes-" + Guid.NewGuid().ToString("N"));
    private readonly List<NodeProcess> _nodes = [];
    private OllamaTestServer _ollama = null!;
    private ActorSystem? _app;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _ollama = await OllamaTestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.Terminate();
        foreach (var node in _nodes) await node.DisposeAsync();
        await _ollama.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Still held by the OS: the temp directory is cleaned later.
        }
    }

    private async Task<NodeProcess> StartNodeAsync(string? seed = null)
    {
        var node = NodeProcess.Start(_directory, _ollama.BaseUrl, seed);
        _nodes.Add(node);
        try
        {
            await node.UpAsync(Limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the node did not come up within {Limit.TotalSeconds:0} s:\n{node.Output}");
        }
        return node;
    }

    /// <summary>This process as a node of role "app", which runs no workflows: it reaches them through a proxy.</summary>
    private async Task<IActorRef> JoinAsAppAsync(string seed, int members)
    {
        var options = new ClusterNodeOptions().WithPort(0).WithRoles(["app"]).WithSeeds([seed]);
        _app = ActorSystem.Create(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString(
            TestTime.AkkaConfig + "\n" + WorkflowSerializer.Hocon + "\n" + options.ToHocon()));
        ClusterNode.Join(_app, options);
        var cluster = Akka.Cluster.Cluster.Get(_app);
        using var limit = new CancellationTokenSource(Limit);
        while (cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < members) await Task.Delay(100, limit.Token);
        return ShardedRuns.StartProxy(_app);
    }

    /// <summary>Asks until <paramref name="done"/> holds for the reply (the run moves between nodes meanwhile).</summary>
    private static async Task<IRunMessage> PollAsync(IActorRef runs, object request, Func<IRunMessage, bool> done)
    {
        using var limit = new CancellationTokenSource(Limit);
        IRunMessage? last = null;
        while (true)
        {
            try
            {
                last = await runs.Ask<IRunMessage>(request, TimeSpan.FromSeconds(3), limit.Token);
                if (done(last)) return last;
            }
            catch (AskTimeoutException)
            {
                // The run's node is gone and the survivor has not taken its shard yet.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no reply to {request} satisfied the spec within {Limit.TotalSeconds:0} s; the last was {last}");
            }
            await Task.Delay(100, limit.Token);
        }
    }

    private int Requests(string task) => _ollama.Requests.Count(r => r.Prompt?.Contains(task, StringComparison.Ordinal) == true);

    [Fact]
    public async Task A_run_whose_node_is_killed_mid_step_completes_on_the_surviving_node_without_running_a_completed_step_again()
    {
        // The second step's first answer waits: the run is mid-step when its node dies.
        var release = new TaskCompletionSource();
        _ollama.OnPrompt("bravo task", ScriptedReply.Text("two") with { Gate = release.Task }, times: 1);
        var first = await StartNodeAsync();
        var second = await StartNodeAsync(first.Address);
        var runs = await JoinAsAppAsync(first.Address!, members: 3);
        var definition = WorkflowParser.ParseJson("""
            {"name": "failover", "steps": [
              {"name": "alpha", "step_type": "agent", "description": "alpha task"},
              {"name": "bravo", "step_type": "agent", "description": "bravo task"},
              {"name": "charlie", "step_type": "agent", "description": "charlie task"}]}
            """);

        var accepted = await runs.Ask<IRunMessage>(new StartRun(definition) { RunId = "failover-1" }, Limit);
        accepted.Should().BeOfType<RunAccepted>();
        var status = (RunStatusReport)await PollAsync(runs, new GetRunStatus("failover-1"),
            r => r is RunStatusReport s && s.RunningSteps.Contains("bravo"));
        status.StepsCompleted.Should().Be(1);
        var holder = _nodes.Single(n => n.Address == status.Node);
        var survivor = _nodes.Single(n => n != holder);

        holder.Kill();
        release.SetResult();

        // The survivor takes the run's shard, recovers the run from its journal and finishes it.
        var ended = await PollAsync(runs, new GetRunStatus("failover-1"), r => r is RunRejected { Kind: RejectionKind.NotFound });
        ended.Should().BeOfType<RunRejected>();
        var store = RunStoreOptions.Sqlite(Path.Combine(_directory, "llmspell.db"));
        var history = await ReadRunAsync(store, "failover-1");
        history.Should().ContainInOrder("workflow_started", "step_completed", "run_resumed", "step_completed", "step_completed", "run_completed");
        Requests("alpha task").Should().Be(1, "a completed step is never run again");
        Requests("bravo task").Should().BeInRange(1, 2, "only the step in flight may run again");
        Requests("charlie task").Should().Be(1);
        survivor.Output.Should().NotContain("unexpected");
    }

    /// <summary>The kinds of the run's journaled events, read through a workflow engine's queries.</summary>
    private static async Task<IReadOnlyList<string>> ReadRunAsync(RunStoreOptions store, string runId)
    {
        var system = store.CreateSystem("reader", ConfigurationFactory.ParseString(TestTime.AkkaConfig));
        try
        {
            var engine = new LlmSpell.Workflows.Execution.WorkflowEngine(system,
                new LlmSpell.Workflows.Execution.WorkflowServices { Tools = new LlmSpell.Tools.ToolRegistry(), Agents = new NoAgents() },
                LlmSpell.Workflows.Execution.WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { ResumeOnStart = false }));
            return (await engine.GetHistoryAsync(runId)).Select(e => e.Event.Kind).ToList();
        }
        finally
        {
            await system.Terminate();
        }
    }
}
