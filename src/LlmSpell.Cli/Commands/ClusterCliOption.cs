using System.CommandLine;
using Akka.Actor;
using LlmSpell.Cli.Output;
using LlmSpell.Cluster;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>--cluster ADDR</c>: the command works on the runs of an llmspell cluster (a node's address, as <c>llmspell node start</c>
/// prints it) instead of this machine's journal; this process joins no cluster (ClusterClient).
/// </summary>
internal sealed class ClusterCliOption
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = $"Work on the runs of an llmspell cluster through one of its nodes, akka.tcp://{ClusterNodeOptions.SystemName}@HOST:PORT (see 'llmspell node start')",
        HelpName = "ADDR",
    };

    /// <summary>The node to contact, or null; a malformed address, or one given with --postgres, is a usage error.</summary>
    public IReadOnlyList<string>? Read(ParseResult parse, JournalCliOptions journal)
    {
        if (parse.GetValue(Cluster) is not { } address) return null;
        if (parse.GetValue(journal.Postgres) is not null)
            throw new CliException("--cluster works on the runs of the cluster through its nodes, which journal them in their own store: leave out --postgres");
        try
        {
            ClusterNodeOptions.SeedAddress(address);
        }
        catch (ArgumentException ex)
        {
            throw CliException.ForOption("--cluster", ex);
        }
        return [address];
    }

    /// <summary>
    /// <c>$LLMSPELL_PUBLIC_HOST</c>, the name the nodes reach this machine or container by (a node's own, when the client runs in a
    /// node's container): the nodes send a run's events to the client there. Null: the client listens on 127.0.0.1 only.
    /// </summary>
    public static string? PublicHost()
    {
        if (Environment.GetEnvironmentVariable(NodeCommands.PublicHostVariable) is not { Length: > 0 } publicHost) return null;
        try
        {
            return ClusterNodeOptions.CheckPublicHost(publicHost);
        }
        catch (ArgumentException ex)
        {
            throw CliException.ForOption("$" + NodeCommands.PublicHostVariable, ex);
        }
    }

    /// <summary>What a command says when no node answered at <paramref name="contacts"/>.</summary>
    public static CliException Unreachable(IReadOnlyList<string> contacts, AskTimeoutException ex) => new(
        $"no llmspell node answered at {string.Join(", ", contacts)}; start one there with 'llmspell node start', or give the address of a running node with --cluster",
        ExitCodes.Usage, ex);
}
