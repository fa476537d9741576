using Akka.Actor;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.TestServers;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Tests.Support;

/// <summary>
/// A cluster of real node processes for one spec class: its own schema, a loopback Ollama server that answers every
/// prompt after a delay (so runs are mid-flight when a node dies) and counts calls per prompt, and a client in this process.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes = [];
    private ActorSystem? _clientSystem;
    private ClusterStore? _clientStore;

    private ClusterHarness(PostgresFixture postgres, string key, OllamaTestServer llm)
    {
        ConnectionString = postgres.ConnectionString;
        Db = ClusterDb.For(postgres, key);
        Llm = llm;
        Directory.CreateDirectory(Root);
    }

    public string ConnectionString { get; }
    public ClusterDb Db { get; }
    public OllamaTestServer Llm { get; }
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "llmspell-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    public ClusterSubmitter Client { get; private set; } = null!;

    public static async Task<ClusterHarness> StartAsync(PostgresFixture postgres, string key, TimeSpan llmDelay)
    {
        var llm = await OllamaTestServer.StartAsync();
        llm.DefaultReply = ScriptedReply.Text("ok").WithDelay(llmDelay);
        var harness = new ClusterHarness(postgres, key, llm);
        (harness.Client, harness._clientStore, harness._clientSystem) = await ClusterRuns.ClientAsync(postgres.ConnectionString, harness.Db.Schema);
        return harness;
    }

    public async Task<NodeProcess> StartNodeAsync(string name)
    {
        var node = await NodeProcess.StartNodeAsync(name, ConnectionString, Db.Schema, Llm.BaseUrl, Path.Combine(Root, name));
        _nodes.Add(node);
        return node;
    }

    public async Task<NodeProcess[]> StartNodesAsync(params string[] names) => await Task.WhenAll(names.Select(StartNodeAsync));

    /// <summary>Runs the CLI against this cluster as another machine would (a process of its own) and waits for it to exit.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        await using var cli = NodeProcess.Launch("cli", [.. args, "--postgres", ConnectionString, "--schema", Db.Schema], Llm.BaseUrl, Path.Combine(Root, "cli"));
        return await cli.ExitAsync();
    }

    /// <summary>
    /// Holds every call whose prompt contains <paramref name="containing"/> until the returned source is completed, so
    /// that runs are surely mid-flight (a call in progress) when a node is killed, paused or leaves.
    /// </summary>
    public TaskCompletionSource Hold(string containing)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Llm.OnPrompt(containing, Llm.DefaultReply.WithGate(gate.Task));
        return gate;
    }

    /// <summary>Waits until the LLM server was asked <paramref name="prompt"/> at least <paramref name="times"/> times.</summary>
    public Task AskedAsync(string prompt, int times = 1) =>
        ClusterDb.UntilAsync(() => Task.FromResult(Calls(prompt) >= times), $"the LLM server to be asked '{prompt}' {times} time(s)");

    /// <summary>How many times the LLM server was asked <paramref name="prompt"/>.</summary>
    public int Calls(string prompt) => Llm.Requests.Count(r => r.Prompt?.Contains(prompt, StringComparison.Ordinal) == true);

    /// <summary>Waits until every run's journal ends (completed, failed, cancelled or timed out).</summary>
    public Task AllEndedAsync(IEnumerable<string> runIds) =>
        ClusterDb.UntilAsync(async () =>
        {
            foreach (var runId in runIds)
                if (await Db.JournalAsync(runId) is not { Count: > 0 } events || !ClusterDb.IsTerminal(events[^1])) return false;
            return true;
        }, "every run to end", seconds: 120);

    /// <summary>Waits until no run holds a lease (each is dropped once its run's end is journaled).</summary>
    public Task NoLeasesAsync() => ClusterDb.UntilAsync(async () => (await Db.LeasesAsync()).Count == 0, "every run's lease to be dropped");

    /// <summary>Step keys completed in the run's journal so far.</summary>
    public async Task<IReadOnlyList<string>> CompletedStepsAsync(string runId) =>
        (await Db.JournalAsync(runId)).Where(e => e.Manifest == "step-completed.v1").Select(e => e.Key!).ToArray();

    public string Logs => string.Join("\n", _nodes.Select(n => $"--- {n.Name} ---\n{n.Stderr}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        if (_clientSystem is not null) await _clientSystem.Terminate();
        if (_clientStore is not null) await _clientStore.DisposeAsync();
        await Llm.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await Db.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A node's files may still be closing; the temp directory is cleaned by the system.
        }
    }
}
