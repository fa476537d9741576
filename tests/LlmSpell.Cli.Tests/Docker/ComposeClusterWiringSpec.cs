using System.Data.Common;
using System.Text.RegularExpressions;
using CliProcesses = LlmSpell.Cli.Tests.Support.Cli;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace LlmSpell.Cli.Tests.Docker;

/// <summary>
/// docker/docker-compose.yml wires three llmspell nodes into one cluster on PostgreSQL and Ollama. No Docker engine runs in CI
/// and <c>docker-compose config</c> checks only the file's form, so this reads each node's settings the way <c>node start</c>
/// does (an option, else its environment variable) and checks that they fit together.
/// </summary>
public sealed partial class ComposeClusterWiringSpec
{
    private const string ComposeFile = "docker/docker-compose.yml";

    private readonly Dictionary<string, Service> _services = Load();

    private IReadOnlyList<Service> Nodes => _services.Values.Where(s => s.IsNode).ToList();

    [Fact]
    public void Three_node_services_run_node_start()
    {
        Nodes.Select(n => n.Name).Should().BeEquivalentTo(["node1", "node2", "node3"]);
    }

    [Fact]
    public void Every_node_binds_every_address_of_its_container_and_gives_its_own_service_name_as_its_address()
    {
        foreach (var node in Nodes)
        {
            node.Setting("--host", null).Should().Be("0.0.0.0", $"{node.Name} is reached from other containers");
            node.Setting("--public-host", "LLMSPELL_PUBLIC_HOST").Should().Be(node.Name, $"the others reach {node.Name} by its service name");
        }
    }

    [Fact]
    public void Every_node_has_the_same_seeds_which_are_all_the_nodes_at_the_port_they_listen_on_first_node1()
    {
        var seedLists = Nodes.Select(n => (n.Name, Seeds: n.Seeds())).ToList();

        foreach (var (name, seeds) in seedLists)
        {
            // A first seed that restarts rejoins the others in its list instead of forming a second cluster.
            seeds.Should().Equal(seedLists[0].Seeds, $"{name} has the same seed list as {seedLists[0].Name}");
            seeds.Should().NotBeEmpty();
            // Only the first seed starts a cluster alone: node1, which the others wait for.
            seeds[0].Should().StartWith("akka.tcp://llmspell@node1:");
            foreach (var seed in seeds)
            {
                var match = SeedAddress().Match(seed);
                match.Success.Should().BeTrue($"{name}'s seed '{seed}' is akka.tcp://llmspell@HOST:PORT");
                var seedNode = Nodes.SingleOrDefault(n => n.Name == match.Groups["host"].Value);
                seedNode.Should().NotBeNull($"{name}'s seed '{seed}' names a node service");
                seedNode!.Setting("--port", null).Should().Be(match.Groups["port"].Value, $"{name}'s seed '{seed}' is at the port {seedNode.Name} listens on");
            }
        }
        seedLists[0].Seeds.Select(s => SeedAddress().Match(s).Groups["host"].Value).Should().BeEquivalentTo(Nodes.Select(n => n.Name), "every node is a seed");
    }

    [Fact]
    public void Every_node_journals_to_the_postgres_service_once_it_is_healthy()
    {
        _services.Should().ContainKey("postgres");
        _services["postgres"].Has("healthcheck").Should().BeTrue("the nodes wait for postgres to be healthy");
        foreach (var node in Nodes)
        {
            var connection = new DbConnectionStringBuilder { ConnectionString = node.Setting("--postgres", "LLMSPELL_POSTGRES") };
            connection.TryGetValue("Host", out var host).Should().BeTrue($"{node.Name}'s connection string names its host");
            host.Should().Be("postgres", $"{node.Name} journals to the postgres service");
            node.DependsOn("postgres").Should().Be("service_healthy", $"{node.Name} starts once postgres accepts connections");
        }
    }

    [Fact]
    public void Every_node_calls_the_ollama_service()
    {
        _services.Should().ContainKey("ollama");
        foreach (var node in Nodes) node.Environment("OLLAMA_HOST").Should().Be("http://ollama:11434", node.Name);
    }

    private static Dictionary<string, Service> Load()
    {
        using var reader = new StringReader(File.ReadAllText(Path.Combine(CliProcesses.RepositoryRoot, ComposeFile)));
        // The file shares the nodes' settings through YAML anchors and merge keys (<<), which only the merging parser resolves.
        var root = (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(new MergingParser(new Parser(reader)))!;
        return ((Dictionary<object, object>)root["services"]).ToDictionary(s => (string)s.Key, s => new Service((string)s.Key, (Dictionary<object, object>)s.Value));
    }

    [GeneratedRegex(@"^akka\.tcp://llmspell@(?<host>[^:/]+):(?<port>\d+)$")]
    private static partial Regex SeedAddress();

    /// <summary>One service of the compose file, read for what <c>llmspell node start</c> would make of it.</summary>
    private sealed class Service(string name, Dictionary<object, object> definition)
    {
        public string Name { get; } = name;

        private IReadOnlyList<string> Command => definition.GetValueOrDefault("command") switch
        {
            List<object> list => list.Select(a => a.ToString()!).ToList(),
            string line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            _ => [],
        };

        public bool IsNode => Command is ["node", "start", ..];

        public bool Has(string key) => definition.ContainsKey(key);

        /// <summary>The value of a command-line option, else of <paramref name="variable"/>; null: neither.</summary>
        public string? Setting(string option, string? variable)
        {
            var at = Command.ToList().IndexOf(option);
            return at >= 0 && at + 1 < Command.Count ? Command[at + 1] : variable is null ? null : Environment(variable);
        }

        /// <summary>Every --seed, else LLMSPELL_SEEDS split at commas, as node start reads them.</summary>
        public IReadOnlyList<string> Seeds()
        {
            var given = Command.Select((arg, i) => (arg, i)).Where(a => a.arg == "--seed" && a.i + 1 < Command.Count).Select(a => Command[a.i + 1]).ToList();
            return given.Count > 0 ? given
                : Environment("LLMSPELL_SEEDS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        }

        public string? Environment(string variable) => definition.GetValueOrDefault("environment") switch
        {
            Dictionary<object, object> map => map.GetValueOrDefault(variable)?.ToString(),
            List<object> list => list.Select(e => e.ToString()!).FirstOrDefault(e => e.StartsWith(variable + "=", StringComparison.Ordinal))?[(variable.Length + 1)..],
            _ => null,
        };

        /// <summary>The condition this service waits for <paramref name="service"/> on; null: it does not depend on it.</summary>
        public string? DependsOn(string service) => definition.GetValueOrDefault("depends_on") switch
        {
            Dictionary<object, object> map when map.GetValueOrDefault(service) is Dictionary<object, object> on => on.GetValueOrDefault("condition")?.ToString(),
            Dictionary<object, object> map when map.ContainsKey(service) => "service_started",
            List<object> list when list.Contains(service) => "service_started",
            _ => null,
        };
    }
}
