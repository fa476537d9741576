using LlmSpell.Cli.Tests.Support;
using LlmSpell.Testing;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>
/// The cluster's TLS certificate as <c>node start</c> and <c>run --cluster</c> read it: a certificate that cannot be used, or an
/// address of the other kind, ends the command before any actor system starts, with exit 2 and one line — never the password.
/// </summary>
public sealed class ClusterTlsOptionsSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    private const string Password = "right-secret";
    private const string WrongPassword = "wrong-secret-4711";
    private const string Workflow = """{"name": "calc", "steps": [{"name": "sum", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1+1"}}]}""";

    [Fact]
    public async Task Node_start_with_a_missing_certificate_says_which_file_and_where_it_was_given()
    {
        var missing = Path.Combine(DataDirectory, "nowhere", "cluster.pfx");

        var run = await Offline.RunAsync("node", "start", "--port", "0", "--tls-certificate", missing);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Be($"error: cannot use the TLS certificate {missing} (from --tls-certificate): there is no such file; " +
            "give the path of the cluster's PKCS#12 (.pfx) file (docs/cluster.md, Security)\n");
    }

    [Fact]
    public async Task Run_on_a_cluster_with_a_wrong_password_says_so_without_echoing_it()
    {
        var certificate = TestCertificates.WritePfx(DataDirectory, "cluster", Password);
        var cli = new Support.Cli(DataDirectory).With("LLMSPELL_TLS_CERTIFICATE", certificate).With("LLMSPELL_TLS_PASSWORD", WrongPassword);

        var run = await cli.RunAsync("run", Definition("calc.json", Workflow), "--cluster", "akka.ssl.tcp://llmspell@127.0.0.1:9");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Be($"error: cannot use the TLS certificate {certificate} (from $LLMSPELL_TLS_CERTIFICATE): the password does not open it; " +
            "set $LLMSPELL_TLS_PASSWORD (or the config's tls.password_env) to the password it was exported with\n");
        (run.Stdout + run.Stderr).Should().NotContain(WrongPassword);
    }

    [Fact]
    public async Task A_config_naming_a_pem_file_as_the_certificate_says_how_to_convert_it()
    {
        var pem = Path.Combine(DataDirectory, "cluster.pem");
        await File.WriteAllTextAsync(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        var config = Path.Combine(DataDirectory, "llmspell.json");
        await File.WriteAllTextAsync(config, """{"tls": {"certificate": "cluster.pem", "password": "x"}}""");

        var run = await Offline.RunAsync("--config", config, "node", "start", "--port", "0");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Be($"error: cannot use the TLS certificate {pem} (from the config's tls.certificate in {config}): it is not a PKCS#12 (.pfx) file; " +
            "a PEM certificate and key convert with 'openssl pkcs12 -export -in cert.pem -inkey key.pem -out cluster.pfx'\n");
    }

    [Fact]
    public async Task A_plaintext_address_with_tls_and_a_tls_address_without_it_are_usage_errors()
    {
        var certificate = TestCertificates.WritePfx(DataDirectory, "cluster", Password);
        var withTls = new Support.Cli(DataDirectory).With("LLMSPELL_TLS_CERTIFICATE", certificate).With("LLMSPELL_TLS_PASSWORD", Password);

        var plaintext = await withTls.RunAsync("run", Definition("calc.json", Workflow), "--cluster", "akka.tcp://llmspell@127.0.0.1:9");
        var tls = await Offline.RunAsync("node", "start", "--port", "0", "--seed", "akka.ssl.tcp://llmspell@127.0.0.1:9");

        plaintext.ExitCode.Should().Be(2, plaintext.ToString());
        plaintext.Stderr.Should().Be("error: --cluster: 'akka.tcp://llmspell@127.0.0.1:9' is a plaintext address, but this process uses TLS: " +
            "write it as akka.ssl.tcp://llmspell@HOST:PORT (as a node with TLS prints it)\n");
        tls.ExitCode.Should().Be(2, tls.ToString());
        tls.Stderr.Should().Be("error: --seed: 'akka.ssl.tcp://llmspell@127.0.0.1:9' is the address of a node with TLS: this process needs the cluster's " +
            "TLS certificate too (docs/cluster.md, Security)\n");
    }
}
