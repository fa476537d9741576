using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Cluster.Tests.Support;
using LlmSpell.Testing;
using LlmSpell.TestServers;
using LlmSpell.Tests.Postgres;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster.Tests;

/// <summary>
/// Real <c>llmspell node start</c> processes on one journal in a real PostgreSQL, a loopback Ollama whose answers the test holds,
/// and either this test process as an app node of its own role (a shard-region proxy), the app-node sample, or real
/// <c>llmspell</c> client processes (<c>--cluster</c>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterNodesSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TestTime.Dilated(TimeSpan.FromSeconds(60));

    private const string Definition = """
        {"name": "three", "steps": [
          {"name": "alpha", "step_type": "agent", "description": "alpha task"},
          {"name": "bravo", "step_type": "agent", "description": "bravo task"},
          {"name": "charlie", "step_type": "agent", "description": "charlie task"}]}
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llmspell-nodes-" + Guid.NewGuid().ToString("N"));

    // Each spec's nodes journal in a schema of their own.
    private string Schema => postgres.SchemaFor(_directory);
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
        var node = Track(LlmSpellProcess.Node(_directory, _ollama.BaseUrl, seed, "--postgres", postgres.ConnectionString, "--schema", Schema));
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
        var store = postgres.Store(_directory);
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
    public async Task A_node_paused_past_its_downing_stops_when_it_wakes_and_nothing_it_writes_lands_in_the_journal_after_the_survivor()
    {
        // Three runs nodes and this app node: the paused one is the minority, so keep-majority downs it and the others go on.
        var (first, second) = await StartTwoNodesAsync();
        var third = await StartNodeAsync(first.Address);
        var runs = await JoinAsAppAsync(first.Address!, members: 4);
        var accepted = await runs.Ask<IRunMessage>(new StartRun(WorkflowParser.ParseJson(Definition)) { RunId = "paused-1" }, Limit);
        var holder = _processes.Single(n => n.Address == ((RunAccepted)accepted).Node);
        await PollAsync(runs, new GetRunStatus("paused-1"), r => r is RunStatusReport { RunningSteps: ["bravo"] });
        await AwaitRequestAsync("bravo task");

        holder.Pause();

        // Downed while frozen: a survivor continues the run from the journal and finishes it (bravo's answer there is not held).
        var survivors = new[] { first, second, third }.Where(n => n != holder).ToArray();
        await (await Task.WhenAny(survivors.Select(n => n.LineAsync(l => l.StartsWith("run paused-1 resumed here", StringComparison.Ordinal)))))
            .WaitAsync(Limit);
        await PollAsync(runs, new GetRunStatus("paused-1"), r => r is RunRejected { Kind: RejectionKind.NotFound });
        var finished = await JournaledAsync("paused-1");

        // It wakes with its step's answer waiting: whatever it tries to journal, the survivor's writes took those sequence numbers.
        _release.SetResult();
        holder.Continue();

        (await holder.ExitAsync(Limit)).Should().Be(1, holder.Output);
        holder.Output.Should().Contain("was removed from the cluster");
        var journaled = await JournaledAsync("paused-1");
        journaled.Should().Equal(finished, "not one event of the woken node landed after the survivor's");
        journaled.Where(k => k == "step_completed").Should().HaveCount(3);
        journaled.Last().Should().Be("run_completed");
        journaled.Should().ContainInOrder("workflow_started", "step_completed", "run_resumed", "step_completed", "step_completed", "run_completed");
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
        var nodes = new[] { first, second, third };
        // On failure, what every node said too: the client alone cannot tell which node dropped its messages.
        string Said() => string.Join("\n", [client.Output, .. nodes.Select(n => $"--- node {n.Address}:\n{n.Output}")]);
        string runStarted;
        try
        {
            runStarted = await client.LineAsync(l => l.Contains("run_started", StringComparison.Ordinal)).WaitAsync(Limit);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"the client's run did not start:\n{Said()}", ex);
        }
        var runId = runStarted.Split(' ')[^1];
        await AwaitRequestAsync("bravo task");
        var startedLine = $"run {runId} started: workflow 'three'";
        await (await Task.WhenAny(nodes.Select(n => n.LineAsync(l => l == startedLine)))).WaitAsync(Limit);
        var holder = nodes.Single(n => n.Output.Contains(startedLine, StringComparison.Ordinal));

        holder.Kill();
        _release.SetResult();

        (await client.ExitAsync(Limit)).Should().Be(0, Said());
        var result = JsonNode.Parse(client.Stdout)!;
        result["run_status"]!.GetValue<string>().Should().Be("completed");
        result["run_id"]!.GetValue<string>().Should().Be(runId);
        Requests("alpha task").Should().Be(1);
        Requests("charlie task").Should().Be(1);
    }

    [Fact]
    public async Task An_app_node_of_its_own_process_starts_a_run_through_its_proxy_approves_it_and_receives_its_result()
    {
        _ollama.OnPrompt("release note about sharding", ScriptedReply.Text("Runs now move between nodes."));
        var node = await StartNodeAsync(null);

        var app = Track(LlmSpellProcess.AppNode(_directory, _ollama.BaseUrl, node.Address!, "--topic", "sharding"));

        (await app.ExitAsync(Limit)).Should().Be(0, app.Output);
        var lines = app.Stdout.Split('\n');
        var runId = lines.Single(l => l.StartsWith("accepted ", StringComparison.Ordinal)).Split(' ')[1];
        lines.Should().ContainInOrder(
            $"accepted {runId} on {node.Address}",
            "event run_started",
            "event step_completed",
            "event signal_awaited editor-approved",
            $"status: 1 step(s) done, waiting for editor-approved on {node.Address}",
            "signal editor-approved accepted",
            "event run_completed");
        lines.Should().Contain(l => l.StartsWith("finished completed: ", StringComparison.Ordinal));
        // The run ran on the node: its tool wrote in the node's workspace (under its data directory) what the model drafted and
        // the app approved.
        (await File.ReadAllTextAsync(Path.Combine(_directory, "workspace", "release-notes", "sharding.md")))
            .Should().Be("Runs now move between nodes. (approved by the app node)");
        node.Output.Should().Contain($"run {runId} started: workflow 'release-note'");
    }

    [Fact]
    public async Task Commands_from_other_processes_list_nodes_and_runs_show_signal_and_cancel_runs_held_by_a_node_through_the_cluster()
    {
        var (first, second) = await StartTwoNodesAsync();
        var file = Path.Combine(_directory, "approval.json");
        await File.WriteAllTextAsync(file, """
            {"name": "approval", "steps": [
              {"name": "draft", "step_type": "agent", "description": "alpha task"},
              {"name": "approve", "step_type": "wait", "signal": "go"},
              {"name": "finish", "step_type": "agent", "description": "charlie task"}]}
            """);
        async Task<LlmSpellProcess> Cli(params string[] args)
        {
            var process = Track(LlmSpellProcess.Start(_directory, _ollama.BaseUrl, args));
            (await process.ExitAsync(Limit)).Should().Be(0, process.Output);
            return process;
        }
        // Two runs pause at their wait step on whichever node holds them; each client leaves them there.
        var paused = new List<string>();
        foreach (var _ in new[] { 1, 2 })
        {
            var started = JsonNode.Parse((await Cli("run", file, "--cluster", first.Address!, "--output", "json")).Stdout)!;
            started["run_status"]!.GetValue<string>().Should().Be("paused");
            paused.Add(started["run_id"]!.GetValue<string>());
        }

        var listed = JsonNode.Parse((await Cli("workflow", "list", "--cluster", second.Address!, "--output", "json")).Stdout)!.AsArray();
        listed.Select(r => r!["run_id"]!.GetValue<string>()).Should().BeEquivalentTo(paused);
        listed.Select(r => r!["status"]!.GetValue<string>()).Should().AllBe("paused");
        var holders = listed.ToDictionary(r => r!["run_id"]!.GetValue<string>(), r => r!["node"]!.GetValue<string>());
        holders.Values.Should().BeSubsetOf([first.Address!, second.Address!]);

        // Each node, with the runs it holds, as the contacted node sees them.
        var nodes = JsonNode.Parse((await Cli("node", "list", "--cluster", first.Address!, "--output", "json")).Stdout)!["nodes"]!.AsArray();
        nodes.Select(n => n!["address"]!.GetValue<string>()).Should().BeEquivalentTo([first.Address!, second.Address!]);
        nodes.Should().AllSatisfy(n =>
        {
            n!["status"]!.GetValue<string>().Should().Be("up");
            n["reachable"]!.GetValue<bool>().Should().BeTrue();
            n["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("llmspell");
            var held = n["runs"]!.AsArray().Select(r => r!.GetValue<string>());
            held.Should().BeEquivalentTo(paused.Where(id => holders[id] == n["address"]!.GetValue<string>()));
        });
        var table = (await Cli("node", "list", "--cluster", second.Address!)).Stdout;
        table.Should().StartWith("NODE").And.Contain(first.Address!).And.Contain(second.Address!).And.Contain("up");

        var shown = (await Cli("workflow", "show", paused[0], "--cluster", second.Address!)).Stdout;
        shown.Should().Contain("Status:    paused (on " + holders[paused[0]] + ")")
            .And.Contain("Waiting:   signal 'go' at step approve")
            .And.Contain("Node:      " + holders[paused[0]] + " runs it now");

        // A signal from a third process reaches the run on its node; the command follows the run there to its end.
        var signalled = JsonNode.Parse((await Cli("workflow", "signal", paused[0], "go", "--data", "{\"ok\": true}", "--cluster", first.Address!, "--output", "json")).Stdout)!;
        signalled["run_status"]!.GetValue<string>().Should().Be("completed");
        var history = (await Cli("workflow", "history", paused[0], "--cluster", second.Address!)).Stdout;
        history.Should().Contain("signal_received").And.Contain("run_completed");

        // A cancel from a third process stops the other run on its node and is journaled.
        var cancelled = (await Cli("workflow", "cancel", paused[1], "--cluster", second.Address!)).Stdout;
        cancelled.Should().StartWith($"Cancelled run {paused[1]} (workflow 'approval', was paused on {holders[paused[1]]}, 1 step done)");
        (await JournaledAsync(paused[1])).Should().EndWith("run_cancelled");
        Requests("charlie task").Should().Be(1, "only the signalled run went on");
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
