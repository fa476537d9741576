using System.CommandLine;
using Akka.Actor;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;
using LlmSpell.Cluster;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>--cluster ADDR</c>: the command works on the runs of an llmspell cluster (a node's address, as <c>llmspell node start</c>
/// prints it) instead of this machine's journal; this process joins no cluster (ClusterClient). With TLS (<see cref="ClusterTlsOptions"/>)
/// it speaks TLS with the cluster's certificate.
/// </summary>
internal sealed class ClusterCliOption
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = $"Work on the runs of an llmspell cluster through one of its nodes, akka.tcp://{ClusterNodeOptions.SystemName}@HOST:PORT " +
            $"(akka.ssl.tcp:// with TLS: ${ClusterTlsOptions.CertificateVariable}; see 'llmspell node start')",
        HelpName = "ADDR",
    };

    /// <summary>
    /// The nodes to contact, the cluster's TLS and this client's public host, or null; a malformed address (or one of the other
    /// kind than the TLS settings), or one given with --postgres, is a usage error naming the expected form.
    /// </summary>
    public ClusterTarget? Read(ParseResult parse, JournalCliOptions? journal, CliConfig config)
    {
        if (parse.GetValue(Cluster) is not { } address) return null;
        if (journal is not null && parse.GetValue(journal.Postgres) is not null)
            throw new CliException("--cluster works on the runs of the cluster through its nodes, which journal them in their own store: leave out --postgres");
        var tls = ClusterTlsOptions.Read(given: null, config);
        try
        {
            ClusterNodeOptions.SeedAddress(address, tls is not null);
        }
        catch (ArgumentException ex)
        {
            throw CliException.ForOption("--cluster", ex);
        }
        return new ClusterTarget([address], tls, PublicHost());
    }

    /// <summary>
    /// <c>$LLMSPELL_PUBLIC_HOST</c>, the name the nodes reach this machine or container by (a node's own, when the client runs in a
    /// node's container): the nodes send a run's events to the client there. Null: the client listens on 127.0.0.1 only.
    /// </summary>
    private static string? PublicHost()
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

/// <summary>The nodes a client command contacts, the cluster's TLS (null: plaintext), and the name the nodes reach this client by (null: 127.0.0.1).</summary>
internal sealed record ClusterTarget(IReadOnlyList<string> Contacts, RemotingTls? Tls, string? PublicHost);
