namespace LlmSpell.Cluster.Tests;

/// <summary>Where the console client's actor system listens: the nodes send it its run's events there.</summary>
public sealed class ClusterClientRunsSpec
{
    [Fact]
    public void Without_a_public_host_the_client_listens_on_the_loopback_only()
    {
        var config = ClusterClientRuns.ClientConfig();

        config.GetString("akka.remote.dot-netty.tcp.hostname").Should().Be("127.0.0.1");
        config.GetString("akka.remote.dot-netty.tcp.public-hostname").Should().BeNullOrEmpty();
    }

    [Fact]
    public void With_a_public_host_the_client_listens_on_every_address_and_the_nodes_know_it_by_that_name()
    {
        var config = ClusterClientRuns.ClientConfig("node1");

        config.GetString("akka.remote.dot-netty.tcp.hostname").Should().Be("0.0.0.0");
        config.GetString("akka.remote.dot-netty.tcp.public-hostname").Should().Be("node1");
        config.GetInt("akka.remote.dot-netty.tcp.port").Should().Be(0);
    }

    [Fact]
    public void A_public_host_that_is_no_host_name_is_refused()
    {
        var act = () => ClusterClientRuns.ClientConfig("node1:4053");

        act.Should().Throw<ArgumentException>().WithMessage("'node1:4053' is not a host name*");
    }
}
