using System.CommandLine;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;
using LlmSpell.Cluster;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// The cluster's TLS certificate, for <c>node start</c> and <c>run --cluster</c>: <c>--tls-certificate PATH</c> (node start), else
/// <c>$LLMSPELL_TLS_CERTIFICATE</c>, else the config's <c>tls.certificate</c>; its password <c>$LLMSPELL_TLS_PASSWORD</c>, else the
/// config's <c>tls.password</c>/<c>password_env</c>. None: plaintext remoting.
/// </summary>
internal sealed class ClusterTlsOptions
{
    public const string CertificateVariable = "LLMSPELL_TLS_CERTIFICATE";
    public const string PasswordVariable = "LLMSPELL_TLS_PASSWORD";

    public Option<string?> Certificate { get; } = new("--tls-certificate")
    {
        Description = $"Speak TLS with the cluster's certificate, a PKCS#12 (.pfx) file every node and client holds; its password in ${PasswordVariable} " +
            $"(default: ${CertificateVariable}, else the config's tls.certificate; none: plaintext; docs/cluster.md, Security)",
        HelpName = "PATH",
    };

    /// <summary>The certificate <paramref name="given"/> (an option), the environment or the config names, loaded; null: none.</summary>
    public static RemotingTls? Read(string? given, CliConfig config)
    {
        var (path, source) = given is { Length: > 0 } ? (given, "--tls-certificate")
            : Environment.GetEnvironmentVariable(CertificateVariable) is { Length: > 0 } env ? (env, "$" + CertificateVariable)
            : config.Tls?.CertificatePath is { Length: > 0 } configured ? (configured, $"the config's tls.certificate in {config.SourcePath}")
            : (null, null);
        var password = Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } secret ? secret : config.Tls?.Password;
        if (path is null)
        {
            if (!string.IsNullOrEmpty(password))
                throw new CliException($"a TLS password is set but no certificate: give the cluster's certificate with ${CertificateVariable} (or --tls-certificate on node start), or unset ${PasswordVariable}");
            return null;
        }
        try
        {
            return RemotingTls.FromPkcs12File(path, password);
        }
        catch (TlsCertificateException ex)
        {
            var hint = ex.Problem switch
            {
                TlsCertificateProblem.NotFound => "; give the path of the cluster's PKCS#12 (.pfx) file (docs/cluster.md, Security)",
                TlsCertificateProblem.WrongPassword => $"; set ${PasswordVariable} (or the config's tls.password_env) to the password it was exported with",
                _ => "",
            };
            // One line, no password: what, which file and who named it, how to fix.
            throw new CliException($"cannot use the TLS certificate {ex.CertificatePath} (from {source}): {ex.What}{hint}", ExitCodes.Usage, ex);
        }
    }
}
