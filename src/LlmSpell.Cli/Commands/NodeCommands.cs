using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster;
using LlmSpell.Cli.Output;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell node start | list</c>: run a cluster node, or show the cluster's nodes and their runs.</summary>
internal static class NodeCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("node", "Run a cluster node, or list the nodes of a cluster (runs coordinated through PostgreSQL)");
        command.Add(Start(runner));
        command.Add(List(runner));
        return command;
    }

    private static Command Start(CommandRunner runner)
    {
        var cluster = new ClusterCliOptions();
        var name = new Option<string?>("--name") { Description = "This node's name, unique among live nodes (default: <host>-<pid>)", HelpName = "NAME" };
        var heartbeat = new Option<string>("--heartbeat") { Description = "How often the node renews its leases", DefaultValueFactory = _ => "1s", HelpName = "DURATION" };
        var expiry = new Option<string>("--lease-expiry")
        {
            Description = "How long a silent node keeps its runs before the others take them over (at least 2 heartbeats)",
            DefaultValueFactory = _ => "5s",
            HelpName = "DURATION",
        };
        var workspace = SharedOptions.Workspace();
        var command = new Command("start", "Join the cluster and run its runs until SIGTERM or Ctrl+C, then hand them to the other nodes") { name, heartbeat, expiry, workspace };
        cluster.AddTo(command);
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var options = cluster.Read(parse, session.Config);
            try
            {
                if (parse.GetValue(name) is { } given) options = options.WithNodeName(given);
                options = options.WithLeases(
                    ClusterCliOptions.ParseDuration(parse.GetValue(heartbeat)!, "--heartbeat"),
                    ClusterCliOptions.ParseDuration(parse.GetValue(expiry)!, "--lease-expiry"));
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message.Split(" (Parameter", 2)[0]);
            }
            var roots = session.ResolveToolRoots(parse.GetValue(workspace), Directory.GetCurrentDirectory());
            var node = await session.StartClusterNodeAsync(options, session.CreateTools(roots), roots, cancellationToken: ct).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(
                $"node {node.Name} is up (schema {node.Schema}, heartbeat {Seconds(options.HeartbeatInterval)}, lease expiry {Seconds(options.LeaseExpiry)}); " +
                "SIGTERM or Ctrl+C hands its runs over and leaves").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM / Ctrl+C: leave gracefully.
            }
            var runs = node.LocalRuns.Count;
            await node.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"node {node.Name} left the cluster; {runs} run(s) handed over").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var cluster = new ClusterCliOptions();
        var output = OutputFormatOption.Create();
        var command = new Command("list", "List the cluster's nodes (state, heartbeat age, runs owned) and the run leases (which node runs which run, at which epoch)") { output };
        cluster.AddTo(command);
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var (client, _) = await session.OpenClusterSubmitterAsync(cluster.Read(parse, session.Config), ct).ConfigureAwait(false);
            var nodes = await client.ListNodesAsync(ct).ConfigureAwait(false);
            var leases = await client.ListLeasesAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                var json = new JsonArray(nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["name"] = n.Name,
                    ["address"] = n.Address,
                    ["state"] = n.State,
                    ["started_at"] = n.StartedAt,
                    ["heartbeat_at"] = n.HeartbeatAt,
                    ["heartbeat_age_ms"] = (long)n.HeartbeatAge.TotalMilliseconds,
                    ["runs"] = n.Runs,
                    ["leases"] = new JsonArray(leases.Where(l => l.Owner == n.Name)
                        .Select(l => (JsonNode)new JsonObject { ["run_id"] = l.RunId, ["epoch"] = l.Epoch, ["expires_at"] = l.ExpiresAt }).ToArray()),
                }).ToArray());
                Console.Out.WriteLine(Json.Format(json));
                return ExitCodes.Ok;
            }
            if (nodes.Count == 0)
            {
                Console.Out.WriteLine("No nodes. Start one with: llmspell node start --postgres CONN");
                return ExitCodes.Ok;
            }
            var table = new TextTable("NODE", "STATE", "HEARTBEAT", "RUNS", "ADDRESS", "STARTED");
            foreach (var n in nodes)
                table.Add(n.Name, n.State, $"{Seconds(n.HeartbeatAge)} ago", n.Runs.ToString(CultureInfo.InvariantCulture), n.Address,
                    n.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Console.Out.Write(table.ToString());
            if (leases.Count > 0)
            {
                var runs = new TextTable("RUN", "NODE", "EPOCH", "LEASE EXPIRES");
                foreach (var l in leases)
                    runs.Add(l.RunId, l.Owner, l.Epoch.ToString(CultureInfo.InvariantCulture), l.ExpiresAt.UtcDateTime.ToString("HH:mm:ss.f'Z'", CultureInfo.InvariantCulture));
                Console.Out.Write("\n" + runs);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Seconds(TimeSpan t) => $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s";
}
