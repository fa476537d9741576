using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Akka.TestKit.Xunit2;
using LlmSpell.Cluster.Tests.Support;
using LlmSpell.Testing;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster.Tests;

/// <summary>
/// Remoting over TLS with the cluster's certificate (a self-signed PKCS#12 file made here, as an operator makes one), on 127.0.0.1:
/// a runs node in this process (engine on SQLite) and, per spec, an app node, a console client process, or a peer that must be
/// refused — one speaking plaintext, one presenting a certificate of its own; and a real <c>node start</c> process with TLS.
/// </summary>
public sealed class RemotingTlsSpec() : TestKit(TestTime.AkkaConfig), IAsyncLifetime
{
    private static readonly TimeSpan Limit = TestTime.Dilated(TimeSpan.FromSeconds(20));
    private const string Password = "cluster-secret";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llmspell-tls-" + Guid.NewGuid().ToString("N"));
    private readonly List<ActorSystem> _peers = [];
    private string _certificatePath = null!;
    private RemotingTls _tls = null!;
    private ActorSystem _node = null!;
    private Address _nodeAddress = null!;

    public async Task InitializeAsync()
    {
        _certificatePath = TestCertificates.WritePfx(_directory, "llmspell-cluster", Password);
        _tls = RemotingTls.FromPkcs12File(_certificatePath, Password);
        var store = RunStoreOptions.Sqlite(Path.Combine(_directory, "llmspell.db"));
        await store.PrepareAsync();
        var node = new ClusterNodeOptions().WithPort(0).WithTls(_tls);
        _node = store.CreateSystem(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString(TestTime.AkkaConfig + "\n" + node.ToHocon()), node.ToSetups());
        var tools = new ToolRegistry(BuiltInTools.Create());
        var engine = new WorkflowEngine(_node, new WorkflowServices { Tools = tools, Agents = new NoAgents() },
            WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { ResumeOnStart = false }).WithPlacement(new ShardedRuns()));
        ClusterNode.ServeClients(_node, engine.Runs);
        ClusterNode.Join(_node, node);
        _nodeAddress = Akka.Cluster.Cluster.Get(_node).SelfAddress;
        await AwaitUpAsync(_node, 1);
    }

    public async Task DisposeAsync()
    {
        foreach (var peer in _peers) await peer.Terminate();
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

    /// <summary>An app node of <paramref name="options"/> (and <paramref name="extraHocon"/>, <paramref name="setups"/>) that joins <paramref name="seed"/>.</summary>
    private ActorSystem JoinPeer(Address seed, ClusterNodeOptions options, string extraHocon = "", params Setup[] setups)
    {
        var config = ConfigurationFactory.ParseString(TestTime.AkkaConfig + "\n" + options.ToHocon() + "\n" + extraHocon);
        var peer = ActorSystem.Create(ClusterNodeOptions.SystemName, ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. options.ToSetups(), .. setups]));
        _peers.Add(peer);
        Akka.Cluster.Cluster.Get(peer).Join(seed);
        return peer;
    }

    private static ClusterNodeOptions AppNode() => new ClusterNodeOptions().WithPort(0).WithRoles(["app"]);

    private static async Task AwaitUpAsync(ActorSystem system, int count)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        using var limit = new CancellationTokenSource(Limit);
        while (cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < count)
            await Task.Delay(50, limit.Token);
    }

    /// <summary>Awaits a warning of the TLS node whose text contains <paramref name="text"/>: the node refused a connection.</summary>
    private void ExpectNodeWarning(Akka.TestKit.TestProbe warnings, string text) =>
        warnings.FishForMessage<Warning>(w => w.Message.ToString()!.Contains(text, StringComparison.Ordinal), Limit);

    private const string Calculation = """
        {"name": "tls", "steps": [{"name": "sum", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "2+3"}}]}
        """;

    [Fact]
    public async Task Two_nodes_with_the_cluster_s_certificate_form_a_cluster_and_a_run_started_from_the_app_node_completes()
    {
        _nodeAddress.Protocol.Should().Be("akka.ssl.tcp");
        var app = JoinPeer(_nodeAddress, AppNode().WithTls(_tls));
        await AwaitUpAsync(app, 2);

        var runs = ShardedRuns.StartProxy(app);
        var subscriber = CreateTestProbe(app);
        runs.Tell(new StartRun(WorkflowParser.ParseJson(Calculation, "tls.json"), null) { RunId = "tls-1", Subscriber = subscriber.Ref }, subscriber.Ref);

        var finished = subscriber.FishForMessage<RunFinished>(_ => true, Limit);
        finished.Result.Status.Should().Be(RunStatus.Completed);
        finished.Result.RunId.Should().Be("tls-1");
    }

    [Fact]
    public void A_plaintext_node_is_refused_at_the_handshake_and_never_joins()
    {
        var warnings = CreateTestProbe(_node);
        _node.EventStream.Subscribe(warnings.Ref, typeof(Warning));

        // The plaintext node dials the TLS node's port: its first bytes are no TLS handshake.
        var plaintext = JoinPeer(new Address(ClusterNodeOptions.Protocol(tls: false), _nodeAddress.System, _nodeAddress.Host, _nodeAddress.Port), AppNode());

        ExpectNodeWarning(warnings, "TLS handshake failure");
        // Refused before a byte reached Akka: the join never arrived.
        Akka.Cluster.Cluster.Get(_node).State.Members.Should().ContainSingle();
        Akka.Cluster.Cluster.Get(plaintext).State.Members.Should().NotContain(m => m.Status == Akka.Cluster.MemberStatus.Up);
    }

    [Fact]
    public void A_node_presenting_a_certificate_of_its_own_is_refused_even_when_it_accepts_any()
    {
        var warnings = CreateTestProbe(_node);
        _node.EventStream.Subscribe(warnings.Ref, typeof(Warning));

        // An intruder with a working TLS stack and a certificate of its own, which accepts whatever the node presents.
        var other = RemotingTls.FromPkcs12File(TestCertificates.WritePfx(_directory, "intruder", "other"), "other").Certificate;
        JoinPeer(_nodeAddress, AppNode(), RemotingTls.Hocon, new DotNettySslSetup(other, suppressValidation: true, requireMutualAuthentication: true));

        ExpectNodeWarning(warnings, "not the cluster's certificate");
        Akka.Cluster.Cluster.Get(_node).State.Members.Should().ContainSingle();
    }

    [Fact]
    public async Task A_node_process_given_the_certificate_listens_with_tls_and_an_app_node_holding_it_joins()
    {
        var data = Path.Combine(_directory, "node-process");
        Directory.CreateDirectory(data);
        var environment = new Dictionary<string, string> { ["LLMSPELL_TLS_PASSWORD"] = Password };
        await using var node = LlmSpellProcess.Start(data, new Uri("http://127.0.0.1:9/"), environment,
            "node", "start", "--port", "0", "--tls-certificate", _certificatePath);

        var address = await node.UpAsync(TestTime.Dilated(TimeSpan.FromSeconds(60)));
        address.Should().StartWith("akka.ssl.tcp://llmspell@127.0.0.1:");
        var app = JoinPeer(Address.Parse(address), AppNode().WithTls(_tls));
        await AwaitUpAsync(app, 2);
    }

    [Fact]
    public async Task A_console_client_with_the_certificate_runs_a_workflow_on_the_tls_node()
    {
        var file = Path.Combine(_directory, "tls.json");
        await File.WriteAllTextAsync(file, Calculation);
        var environment = new Dictionary<string, string> { ["LLMSPELL_TLS_CERTIFICATE"] = _certificatePath, ["LLMSPELL_TLS_PASSWORD"] = Password };
        await using var client = LlmSpellProcess.Start(_directory, new Uri("http://127.0.0.1:9/"), environment,
            "run", file, "--cluster", _nodeAddress.ToString(), "--output", "json");

        (await client.ExitAsync(TestTime.Dilated(TimeSpan.FromSeconds(60)))).Should().Be(0, client.Output);
        JsonNode.Parse(client.Stdout)!["run_status"]!.GetValue<string>().Should().Be("completed");
    }
}
