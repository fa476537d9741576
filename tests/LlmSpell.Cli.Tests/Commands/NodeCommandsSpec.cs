using LlmSpell.Cli.Tests.Support;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>node start | list</c> and <c>run --postgres</c>: bad input is one clear usage error before anything connects.</summary>
public sealed class NodeCommandsSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task Cluster_commands_without_a_postgres_say_how_to_give_one()
    {
        var start = await Cli.With("LLMSPELL_POSTGRES", null).RunAsync("node", "start");
        var list = await Cli.With("LLMSPELL_POSTGRES", null).RunAsync("node", "list");

        start.ExitCode.Should().Be(2, start.ToString());
        start.Stderr.Should().Contain("error: no cluster given: pass --postgres CONN").And.Contain("set LLMSPELL_POSTGRES, or set postgres in the config");
        list.ExitCode.Should().Be(2, list.ToString());
        list.Stderr.Should().Contain("error: no cluster given");
    }

    [Theory]
    [InlineData("--heartbeat", "soon", "error: --heartbeat: 'soon' is not a positive duration; write e.g. 500ms, 1s, 2m or 00:00:05")]
    [InlineData("--lease-expiry", "1500ms", "error: the lease expiry must be at least twice the heartbeat interval (1 s), so that one late heartbeat does not lose the runs")]
    [InlineData("--name", "a node", "error: A node name is 1–63 letters, digits, '-', '_' or '.', got 'a node'.")]
    [InlineData("--schema", "Bad-Schema", "error: --schema: The cluster schema must be a lower-case SQL identifier (letters, digits, _), got 'Bad-Schema'.")]
    public async Task Node_start_refuses_bad_settings_naming_the_option(string option, string value, string message)
    {
        var run = await Cli.RunAsync("node", "start", "--postgres", "Host=127.0.0.1;Port=1;Username=nobody", option, value);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Trim().Should().Be(message);
    }
}
