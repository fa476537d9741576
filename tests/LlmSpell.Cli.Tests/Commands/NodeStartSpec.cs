using LlmSpell.Cli.Tests.Support;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell node start</c>'s options (where the node listens and the address it gives other nodes), and <c>node list</c>'s.</summary>
public sealed class NodeStartSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task A_node_with_a_public_host_is_up_at_that_name_and_leaves_on_ctrl_c()
    {
        // Bound to the loopback only: the spec opens no port to the network, yet the node's address carries the public name.
        await using var node = Cli.Start("node", "start", "--host", "127.0.0.1", "--public-host", "node1", "--port", "0");

        var up = await node.StdoutLineAsync(" is up ");
        await node.InterruptAsync();
        var run = await node.ExitAsync();

        up.Should().StartWith("node akka.tcp://llmspell@node1:");
        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"node akka\.tcp://llmspell@node1:\d+ left the cluster");
    }

    [Fact]
    public async Task A_public_host_that_is_no_host_name_is_refused_before_the_node_starts_whether_given_or_from_the_environment()
    {
        var address = await Cli.RunAsync("node", "start", "--public-host", "akka.tcp://llmspell@node1:4053");
        var withPort = await Cli.With("LLMSPELL_PUBLIC_HOST", "node1:4053").RunAsync("node", "start");
        var bindAll = await Cli.RunAsync("node", "start", "--public-host", "0.0.0.0");

        address.Stderr.Should().StartWith("error: --public-host: 'akka.tcp://llmspell@node1:4053' is not a host name other nodes can reach this one by; " +
            "give a name or IP alone, without port (e.g. node1)\n");
        withPort.Stderr.Should().StartWith("error: --public-host: 'node1:4053' is not a host name");
        bindAll.Stderr.Should().StartWith("error: --public-host: '0.0.0.0' is not a host name");
        new[] { address, withPort, bindAll }.Should().OnlyContain(r => r.ExitCode == 2 && r.Stdout.Length == 0);
    }

    [Fact]
    public async Task Help_says_why_a_node_has_a_public_host()
    {
        var help = await Cli.RunAsync("node", "start", "--help");

        help.ExitCode.Should().Be(0);
        help.Stdout.Should().Contain("--public-host").And.Contain("binds 0.0.0.0").And.Contain("$LLMSPELL_PUBLIC_HOST");
    }

    [Fact]
    public async Task Node_list_without_a_node_to_ask_says_how_to_give_one()
    {
        var missing = await Cli.RunAsync("node", "list");
        var malformed = await Cli.RunAsync("node", "list", "--cluster", "127.0.0.1:4053");

        missing.ExitCode.Should().Be(2);
        missing.Stderr.Should().Be("error: give the address of a running node: --cluster akka.tcp://llmspell@HOST:PORT (as 'llmspell node start' prints it)\n");
        malformed.ExitCode.Should().Be(2);
        malformed.Stderr.Should().StartWith("error: --cluster: '127.0.0.1:4053' is not a node address; write it as akka.tcp://llmspell@HOST:PORT");
    }
}
