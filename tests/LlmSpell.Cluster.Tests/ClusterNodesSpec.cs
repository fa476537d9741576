using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Cluster.Tests.Support;
using LlmSpell.Testing;
using LlmSpell.TestServers;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster.Tests;

/// <summary>
/// Real <c>llmspell node start</c> processes on one journal, a loopback Ollama whose answers the test holds, and either this test
/// process as an app node of its own role (a shard-region proxy) or a real <c>llmspell run --cluster</c> client process.
/// </summary>
public sealed class ClusterNodesSpec : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TestTime.Dilated(TimeSpan.FromSeconds(60));

    private const string Definition = """
        {"name": "three", "steps": [
          {"name": "alpha", "step_type": "agent", "description": "alpha task"},
          {"name": "bravo", "step_type": "agent", "description": "bravo task"},
          {"name": "charlie", "step_type": "agent", "description": "charlie task"}]}
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llmspell-nodes-" + Guid.NewGuid().ToString("N"));
    private readonly List<LlmSpellProcess> _processes = [];
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OllamaTestServer _ollama = null!;
    private ActorSystem? _app;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _ollama = await OllamaTestServer.StartAsync();
        // The second step's first answer waits for the test: the run is mid-step when its node goes.
        _ollama.OnPrompt("bravo task", ScriptedReply.Text("two") with { Gate = _release.Task }, times: 1);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        if (_app is not null) await _app.Terminate();
        foreach (var process in _processes) await process.DisposeAsync();
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

    private async Task<(LlmSpellProcess First, LlmSpellProcess Second)> StartTwoNodesAsync()
    {
        var first = await StartNodeAsync(null);
        return (first, await StartNodeAsync(first.Address));
    }

    private async Task<LlmSpellProcess> StartNodeAsync(string? seed)
    {
        var node = Track(LlmSpellProcess.Node(_directory, _ollama.BaseUrl, seed));
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

    private LlmSpellProcess Track(LlmSpellProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>This process as a node of role "app", which runs no workflows: it reaches them through a proxy.</summary>
    private async Task<IActorRef> JoinAsAppAsync(string seed, int members)
    {
        var options = new ClusterNodeOptions().WithPort(0).WithRoles(["app"]).WithSeeds([seed]);
        _app = ActorSystem.Create(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString(
            TestTime.AkkaConfig + "\n" + options.ToHocon()));
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

    private async Task AwaitRequestAsync(string task)
    {
        using var limit = new CancellationTokenSource(Limit);
        while (Requests(task) == 0) await Task.Delay(50, limit.Token);
    }

    private int Requests(string task) => _ollama.Requests.Count(r => r.Prompt?.Contains(task, StringComparison.Ordinal) == true);

    /// <summary>The kinds of the run's journaled events, read through a workflow engine's queries.</summary>
    private async Task<IReadOnlyList<string>> JournaledAsync(string runId)
    {
        var store = RunStoreOptions.Sqlite(Path.Combine(_directory, "llmspell.db"));
        var system = store.CreateSystem("reader", ConfigurationFactory.ParseString(TestTime.AkkaConfig));
        try
        {
            var engine = new WorkflowEngine(system, new WorkflowServices { Tools = new LlmSpell.Tools.ToolRegistry(), Agents = new NoAgents() },
                WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { ResumeOnStart = false }));
            return (await engine.GetHistoryAsync(runId)).Select(e => e.Event.Kind).ToList();
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task A_run_whose_node_is_killed_mid_step_completes_on_the_surviving_node_without_running_a_completed_step_again()
    {
        var (first, _) = await StartTwoNodesAsync();
        var runs = await JoinAsAppAsync(first.Address!, members: 3);

        var accepted = await runs.Ask<IRunMessage>(new StartRun(WorkflowParser.ParseJson(Definition)) { RunId = "killed-1" }, Limit);
        var node = accepted.Should().BeOfType<RunAccepted>().Which.Node;
        // Status shows what is journaled: the step's start may still be on its way when its request reaches the server.
        var status = (RunStatusReport)await PollAsync(runs, new GetRunStatus("killed-1"), r => r is RunStatusReport { RunningSteps: ["bravo"] });
        status.Node.Should().Be(node);
        await AwaitRequestAsync("bravo task");
        var holder = _processes.Single(n => n.Address == node);

        holder.Kill();
        _release.SetResult();

        // The survivor takes the run's shard, recovers the run from its journal and finishes it.
        await PollAsync(runs, new GetRunStatus("killed-1"), r => r is RunRejected { Kind: RejectionKind.NotFound });
        (await JournaledAsync("killed-1")).Should().ContainInOrder(
            "workflow_started", "step_completed", "run_resumed", "step_completed", "step_completed", "run_completed");
        Requests("alpha task").Should().Be(1, "a completed step is never run again");
        Requests("bravo task").Should().BeInRange(1, 2, "only the step in flight may run again");
        Requests("charlie task").Should().Be(1);
        _processes.Single(n => n != holder).Output.Should().Contain("run killed-1 resumed here after 1 completed steps");
    }

    [Fact]
    public async Task A_node_that_leaves_mid_step_finishes_the_step_and_hands_the_run_over_so_that_no_step_runs_twice()
    {
        var (first, _) = await StartTwoNodesAsync();
        var runs = await JoinAsAppAsync(first.Address!, members: 3);

        var accepted = await runs.Ask<IRunMessage>(new StartRun(WorkflowParser.ParseJson(Definition)) { RunId = "leaving-1" }, Limit);
        var holder = _processes.Single(n => n.Address == ((RunAccepted)accepted).Node);
        await AwaitRequestAsync("bravo task");

        var stopped = holder.StopAsync(Limit);
        // The run starts nothing more on the leaving node; the step it is running may finish there.
        await holder.LineAsync(l => l.StartsWith("run leaving-1 handing over", StringComparison.Ordinal)).WaitAsync(Limit)
            .ContinueWith(t => t.IsFaulted ? throw new TimeoutException($"the leaving node did not hand the run over:\n{holder.Output}") : t.Result);
        _release.SetResult();
        (await stopped).Should().Be(0, holder.Output);
        holder.Output.Should().Contain("left the cluster");

        await PollAsync(runs, new GetRunStatus("leaving-1"), r => r is RunRejected { Kind: RejectionKind.NotFound });
        (await JournaledAsync("leaving-1")).Should().ContainInOrder(
            ["workflow_started", "step_completed", "step_completed", "run_resumed", "step_completed", "run_completed"], holder.Output);
        Requests("alpha task").Should().Be(1);
        Requests("bravo task").Should().Be(1, "the leaving node let the running step finish and journaled it");
        Requests("charlie task").Should().Be(1);
    }

    [Fact]
    public async Task A_client_run_follows_its_run_through_the_loss_of_the_node_that_held_it()
    {
        // Three nodes: of two, the survivor of a loss may down itself (keep-majority breaks a tie by the lowest address).
        var (first, second) = await StartTwoNodesAsync();
        var third = await StartNodeAsync(first.Address);
        var file = Path.Combine(_directory, "three.json");
        await File.WriteAllTextAsync(file, Definition);

        var client = Track(LlmSpellProcess.Start(_directory, _ollama.BaseUrl, "run", file, "--cluster", first.Address!, "--output", "json"));
        var runStarted = await client.LineAsync(l => l.Contains("run_started", StringComparison.Ordinal)).WaitAsync(Limit);
        var runId = runStarted.Split(' ')[^1];
        await AwaitRequestAsync("bravo task");
        var startedLine = $"run {runId} started: workflow 'three'";
        var nodes = new[] { first, second, third };
        await (await Task.WhenAny(nodes.Select(n => n.LineAsync(l => l == startedLine)))).WaitAsync(Limit);
        var holder = nodes.Single(n => n.Output.Contains(startedLine, StringComparison.Ordinal));

        holder.Kill();
        _release.SetResult();

        (await client.ExitAsync(Limit)).Should().Be(0, client.Output);
        var result = JsonNode.Parse(client.Stdout)!;
        result["run_status"]!.GetValue<string>().Should().Be("completed");
        result["run_id"]!.GetValue<string>().Should().Be(runId);
        Requests("alpha task").Should().Be(1);
        Requests("charlie task").Should().Be(1);
    }

    [Fact]
    public async Task A_client_run_with_no_live_node_at_its_address_says_so_in_one_line()
    {
        var file = Path.Combine(_directory, "three.json");
        await File.WriteAllTextAsync(file, Definition);

        var client = Track(LlmSpellProcess.Start(_directory, _ollama.BaseUrl, "run", file, "--cluster", "akka.tcp://llmspell@127.0.0.1:9"));

        (await client.ExitAsync(Limit)).Should().Be(2);
        client.Output.Should().Be("error: no llmspell node answered at akka.tcp://llmspell@127.0.0.1:9; start one there with 'llmspell node start', " +
            "or give the address of a running node with --cluster\n");
    }
}
