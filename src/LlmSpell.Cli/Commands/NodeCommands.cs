using System.CommandLine;
using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Cli.Output;
using LlmSpell.Cluster;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>llmspell node start</c>: this process becomes a node of an llmspell cluster (Akka.Cluster) that runs workflows as sharded
/// entities until SIGTERM or Ctrl+C, then leaves gracefully, handing its runs to the other nodes. <c>llmspell node list</c>: the
/// cluster's nodes and the runs each holds, from outside it.
/// </summary>
internal static class NodeCommands
{
    /// <summary>Seeds when no --seed is given: comma-separated node addresses.</summary>
    public const string SeedsVariable = "LLMSPELL_SEEDS";

    /// <summary>The public host when no --public-host is given.</summary>
    public const string PublicHostVariable = "LLMSPELL_PUBLIC_HOST";

    public static Command Create(CommandRunner runner)
    {
        var node = new Command("node", "Run workflows on a cluster of llmspell nodes (Akka.Cluster; docs/cluster.md)");
        node.Add(Start(runner));
        node.Add(List(runner));
        return node;
    }

    private static Command List(CommandRunner runner)
    {
        var cluster = new ClusterCliOption();
        var output = OutputFormatOption.Create();
        var command = new Command("list", "List the cluster's nodes as one of them sees them: address, roles, status, and the runs each holds")
        {
            cluster.Cluster, output,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var target = cluster.Read(parse, journal: null, session.Config)
                ?? throw new CliException($"give the address of a running node: --cluster akka.tcp://{ClusterNodeOptions.SystemName}@HOST:PORT (as 'llmspell node start' prints it)");
            session.CreateClientOperationsEngine(target);
            var listed = await ClusterClientRuns.ListNodesAsync(session.ActorSystem, ClusterClientRuns.AnswerTimeout).WaitAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(new JsonObject
                {
                    ["leader"] = listed.Leader,
                    ["nodes"] = new JsonArray(listed.Nodes.Select(n => (JsonNode)new JsonObject
                    {
                        ["address"] = n.Address,
                        ["roles"] = new JsonArray(n.Roles.Select(r => (JsonNode)r).ToArray()),
                        ["status"] = n.Status,
                        ["reachable"] = n.Reachable,
                        ["leader"] = n.Address == listed.Leader,
                        ["runs"] = n.Runs is null ? null : new JsonArray(n.Runs.Select(r => (JsonNode)r).ToArray()),
                    }).ToArray()),
                });
                return ExitCodes.Ok;
            }
            var table = new TextTable("NODE", "ROLES", "STATUS", "RUNS");
            foreach (var n in listed.Nodes)
            {
                var status = n.Status + (n.Reachable ? "" : ", unreachable") + (n.Address == listed.Leader ? ", leader" : "");
                var runs = n.Runs is not { } held ? "-" : held.Count == 0 ? "0" : $"{held.Count}: {string.Join(", ", held)}";
                table.Add(n.Address, string.Join(",", n.Roles), status, runs);
            }
            Console.Out.Write(table.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Start(CommandRunner runner)
    {
        var seeds = new Option<string[]>("--seed")
        {
            Description = $"A node to join, akka.tcp://{ClusterNodeOptions.SystemName}@HOST:PORT (akka.ssl.tcp:// with TLS); repeat for several (default: ${SeedsVariable}, comma-separated; none: this node starts a cluster)",
            HelpName = "ADDR",
        };
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on (default 127.0.0.1, this machine only: whoever reaches the port can start runs, which call tools; docs/cluster.md)",
            HelpName = "HOST",
            DefaultValueFactory = _ => new ClusterNodeOptions().Host,
        };
        var publicHost = new Option<string?>("--public-host")
        {
            Description = $"The host name other nodes and clients reach this node by, when it is not --host: a container binds 0.0.0.0 and is reached by its service name (default: ${PublicHostVariable}, else --host)",
            HelpName = "NAME",
        };
        var port = new Option<int>("--port")
        {
            Description = $"The port to listen on (default {ClusterNodeOptions.DefaultPort}; 0: a free one, printed when the node is up)",
            HelpName = "PORT",
            DefaultValueFactory = _ => ClusterNodeOptions.DefaultPort,
        };
        var tls = new ClusterTlsOptions();
        var workspace = SharedOptions.Workspace();
        var journal = new JournalCliOptions();
        var command = new Command("start", "Start a node: join the cluster (or start one) and run workflows until SIGTERM/Ctrl+C, then leave gracefully")
        {
            seeds, host, publicHost, port, tls.Certificate, workspace, journal.Postgres, journal.Schema,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            session.UsePostgres(journal.Read(parse, session.Config));
            var given = parse.GetValue(seeds) is { Length: > 0 } listed ? listed
                : Environment.GetEnvironmentVariable(SeedsVariable)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var advertised = parse.GetValue(publicHost) ?? (Environment.GetEnvironmentVariable(PublicHostVariable) is { Length: > 0 } env ? env : null);
            var certificate = ClusterTlsOptions.Read(parse.GetValue(tls.Certificate), session.Config);
            ClusterNodeOptions options;
            try
            {
                options = new ClusterNodeOptions().WithHost(parse.GetValue(host)!).WithPublicHost(advertised).WithPort(parse.GetValue(port))
                    .WithSeeds(given).WithTls(certificate).Validate();
            }
            catch (ArgumentException ex)
            {
                var option = ex.ParamName switch { nameof(ClusterNodeOptions.Host) => "--host", nameof(ClusterNodeOptions.Port) => "--port",
                    nameof(ClusterNodeOptions.PublicHost) => "--public-host", _ => "--seed" };
                throw CliException.ForOption(option, ex);
            }
            var roots = session.ResolveToolRoots(parse.GetValue(workspace), Directory.GetCurrentDirectory());
            await session.CreateNodeEngineAsync(options, session.CreateTools(roots), roots, ct).ConfigureAwait(false);
            return await RunNodeAsync(session.ActorSystem, options, session.JournalDescription, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Reports the node up, then waits for SIGTERM/Ctrl+C (a graceful leave) or for the cluster to remove it.</summary>
    private static async Task<int> RunNodeAsync(ActorSystem system, ClusterNodeOptions options, string journal, CancellationToken ct)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var address = cluster.SelfAddress;
        var lines = system.ActorOf(NodeRunLines.Props, "llmspell-run-lines");
        system.EventStream.Subscribe(lines, typeof(Workflows.Events.WorkflowEvent));
        system.EventStream.Subscribe(lines, typeof(Workflows.Runs.RunHandingOver));
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        var joining = options.Seeds.Count == 0 ? "starting a new cluster" : $"joining {string.Join(", ", options.Seeds)}";
        await Console.Out.WriteLineAsync($"node {address} {joining}; journal: {journal}").ConfigureAwait(false);
        var stopped = Task.Delay(Timeout.Infinite, ct);
        if (await Task.WhenAny(up.Task, stopped, system.WhenTerminated).ConfigureAwait(false) == up.Task)
        {
            await Console.Out.WriteLineAsync($"node {address} is up (roles: {string.Join(", ", options.Roles)}); Ctrl+C leaves the cluster").ConfigureAwait(false);
            await Task.WhenAny(stopped, system.WhenTerminated).ConfigureAwait(false);
        }
        if (!ct.IsCancellationRequested)
        {
            // The actor system ended without being asked: the cluster downed this node (e.g. it was unreachable too long).
            await Console.Error.WriteLineAsync($"node {address} was removed from the cluster; its runs continue on the other nodes. Start it again to rejoin.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        // A graceful leave: the node's shards (and their unfinished runs) move to the other nodes before it stops.
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"node {address} left the cluster").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
