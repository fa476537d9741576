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
    /// The node to contact and the cluster's TLS, or null; a malformed address (or one of the other kind than the TLS settings) is a
    /// usage error naming the expected form.
    /// </summary>
    public ClusterTarget? Read(ParseResult parse, CliConfig config)
    {
        if (parse.GetValue(Cluster) is not { } address) return null;
        var tls = ClusterTlsOptions.Read(given: null, config);
        try
        {
            ClusterNodeOptions.SeedAddress(address, tls is not null);
        }
        catch (ArgumentException ex)
        {
            throw CliException.ForOption("--cluster", ex);
        }
        return new ClusterTarget([address], tls);
    }

    /// <summary>What a command says when no node answered at <paramref name="contacts"/>.</summary>
    public static CliException Unreachable(IReadOnlyList<string> contacts, AskTimeoutException ex) => new(
        $"no llmspell node answered at {string.Join(", ", contacts)}; start one there with 'llmspell node start', or give the address of a running node with --cluster",
        ExitCodes.Usage, ex);
}

/// <summary>The nodes a client command contacts, and the cluster's TLS (null: plaintext).</summary>
internal sealed record ClusterTarget(IReadOnlyList<string> Contacts, RemotingTls? Tls);
