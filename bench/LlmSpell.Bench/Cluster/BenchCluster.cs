using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Bench.Persistence;
using LlmSpell.Cluster;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// A cluster of real <c>llmspell node start</c> processes on the bench's journal (<see cref="BenchStore"/>: the SQLite file in its
/// directory, or its PostgreSQL schema) calling a loopback Ollama, and this process as a node of role <c>app</c> that reaches the
/// runs through a shard-region proxy (as an application embedding LlmSpell would). Dispose kills every node it started.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Three agent steps whose prompts say which step asks (the failover bench holds the second's answer).</summary>
    public static WorkflowDefinition ThreeAgentSteps { get; } = WorkflowParser.ParseJson("""
        {"name": "three", "steps": [
          {"name": "alpha", "step_type": "agent", "description": "alpha task"},
          {"name": "bravo", "step_type": "agent", "description": "bravo task"},
          {"name": "charlie", "step_type": "agent", "description": "charlie task"}]}
        """);

    private readonly string _dll;
    private readonly BenchStore _store;
    private readonly Uri _ollama;
    private readonly string[] _journal;
    private readonly List<NodeProcess> _started = [];
    private readonly PosixSignalRegistration[] _signals;
    private ActorSystem? _app;

    private BenchCluster(string dll, BenchStore store, Uri ollama)
    {
        _dll = dll;
        _store = store;
        _ollama = ollama;
        _journal = store.Kind == "postgres" ? ["--postgres", store.Options.ConnectionString, "--schema", store.Options.Schema!] : [];
        // A signal ends the bench without its finally blocks (and the loopback server's host would take SIGINT/SIGTERM as its own
        // stop, leaving the bench waiting on a dead cluster): kill the nodes and exit at once.
        _signals = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupted), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupted)];
    }

    private void Interrupted(PosixSignalContext context)
    {
        lock (Nodes)
        {
            foreach (var node in _started) node.Kill();
        }
        // The shell's convention: 128 + the signal's number.
        Environment.Exit(context.Signal == PosixSignal.SIGINT ? 130 : 143);
    }

    /// <summary>The runs nodes alive, in the order they were started.</summary>
    public List<NodeProcess> Nodes { get; } = [];

    public ActorSystem App => _app ?? throw new InvalidOperationException("the app node has not joined yet");

    /// <summary>The shard-region proxy of the runs, on the app node.</summary>
    public IActorRef Runs { get; private set; } = ActorRefs.Nobody;

    public static async Task<BenchCluster> StartAsync(BenchArgs args, BenchStore store, Uri ollama, int nodes)
    {
        var cluster = new BenchCluster(NodeProcess.CliDll(args), store, ollama);
        try
        {
            var first = await cluster.AddNodeAsync(null);
            // The others join the first at once: each process's start (~2 s of JIT on a small machine) overlaps the others'.
            await Task.WhenAll(Enumerable.Range(1, nodes - 1).Select(_ => cluster.AddNodeAsync(first.Address)));
            var options = new ClusterNodeOptions().WithPort(0).WithRoles(["app"]).WithSeeds([first.Address!]);
            // Akka's log to stderr, errors only: stdout is the bench's JSON, and a killed node's lost association is logged at length.
            cluster._app = ActorSystem.Create(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString($$"""
                akka.loglevel = ERROR
                akka.stdout-loglevel = OFF
                akka.loggers = ["{{typeof(StderrLogger).AssemblyQualifiedName}}"]
                akka.remote.log-remote-lifecycle-events = off
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """ + "\n" + options.ToHocon()));
            ClusterNode.Join(cluster.App, options);
            await cluster.AwaitMembersAsync();
            cluster.Runs = ShardedRuns.StartProxy(cluster.App);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node joining <paramref name="seed"/> (none: a new cluster) and waits until it says it is up.</summary>
    public async Task<NodeProcess> AddNodeAsync(string? seed)
    {
        var node = NodeProcess.Start(_dll, _store.Directory, _ollama, seed, _journal);
        lock (Nodes)
        {
            Nodes.Add(node);
            _started.Add(node);
        }
        await node.UpAsync(Limit);
        return node;
    }

    /// <summary>Kills (SIGKILL) the node at <paramref name="address"/>; it is no longer one of <see cref="Nodes"/>.</summary>
    public void Kill(string address)
    {
        var node = Nodes.Single(n => n.Address == address);
        node.Kill();
        Nodes.Remove(node);
    }

    /// <summary>Until the app node sees exactly the live runs nodes and itself Up, none unreachable (a killed one downed and removed).</summary>
    public async Task AwaitMembersAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(App);
        var expected = Nodes.Select(n => n.Address).Append(cluster.SelfAddress.ToString()).ToHashSet();
        using var limit = new CancellationTokenSource(Limit);
        while (true)
        {
            var state = cluster.State;
            if (state.Unreachable.Count == 0 && state.Members.Count == expected.Count
                && state.Members.All(m => m.Status == Akka.Cluster.MemberStatus.Up && expected.Contains(m.Address.ToString())))
                return;
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the cluster did not settle on {string.Join(", ", expected)} within {Limit.TotalSeconds:0} s; "
                    + $"members: {string.Join(", ", state.Members)}; unreachable: {string.Join(", ", state.Unreachable)}");
            }
        }
    }

    /// <summary>The runs node hosting the shard coordinator (the oldest of the role): losing it also moves the coordinator.</summary>
    public string? Oldest() => Akka.Cluster.Cluster.Get(App).State.Members
        .Where(m => m.HasRole(ClusterNodeOptions.RunsRole))
        .OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).FirstOrDefault()?.Address.ToString();

    /// <summary>Every node's output, for a failure's message.</summary>
    public string Outputs() => string.Join("\n", Nodes.Select(n => $"--- {n.Address}\n{n.Output}"));

    /// <summary>Akka's logger for the app node: every log event as a line on stderr.</summary>
    private sealed class StderrLogger : ReceiveActor
    {
        public StderrLogger()
        {
            Receive<Akka.Event.InitializeLogger>(_ => Sender.Tell(new Akka.Event.LoggerInitialized()));
            Receive<Akka.Event.LogEvent>(e => Console.Error.WriteLine(e.ToString()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_app is not null) await _app.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // The nodes are killed below anyway.
        }
        finally
        {
            foreach (var signal in _signals) signal.Dispose();
            foreach (var node in _started) await node.DisposeAsync();
        }
    }
}
