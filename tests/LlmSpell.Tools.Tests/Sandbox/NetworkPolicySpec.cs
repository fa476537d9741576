using System.Net;
using LlmSpell.Tools.Sandbox;

namespace LlmSpell.Tools.Tests.Sandbox;

public sealed class NetworkPolicySpec
{
    [Theory]
    [InlineData("8.8.8.8", AddressScope.Public)]
    [InlineData("2606:4700::1111", AddressScope.Public)]
    [InlineData("127.0.0.1", AddressScope.Loopback)]
    [InlineData("127.8.9.10", AddressScope.Loopback)]
    [InlineData("0.0.0.0", AddressScope.Loopback)]
    [InlineData("::1", AddressScope.Loopback)]
    [InlineData("::", AddressScope.Loopback)]
    [InlineData("10.0.0.1", AddressScope.Private)]
    [InlineData("172.16.0.1", AddressScope.Private)]
    [InlineData("172.31.255.255", AddressScope.Private)]
    [InlineData("172.32.0.1", AddressScope.Public)]
    [InlineData("192.168.0.1", AddressScope.Private)]
    [InlineData("100.64.0.1", AddressScope.Private)]
    [InlineData("fd12::1", AddressScope.Private)]
    [InlineData("169.254.169.254", AddressScope.LinkLocal)]
    [InlineData("fe80::1", AddressScope.LinkLocal)]
    [InlineData("224.0.0.1", AddressScope.Reserved)]
    [InlineData("255.255.255.255", AddressScope.Reserved)]
    [InlineData("ff02::1", AddressScope.Reserved)]
    [InlineData("::ffff:10.0.0.1", AddressScope.Private)]
    [InlineData("64:ff9b::7f00:1", AddressScope.Loopback)]
    [InlineData("2002:c0a8:0101::1", AddressScope.Private)]
    public void Addresses_are_classified_including_ipv4_inside_ipv6(string address, AddressScope scope) =>
        NetworkPolicy.Classify(IPAddress.Parse(address)).Should().Be(scope);

    [Theory]
    [InlineData("api.example.com", true)]
    [InlineData("API.Example.com", true)]
    [InlineData("a.example.org", true)]
    [InlineData("a.b.example.org", true)]
    [InlineData("example.org", false)]
    [InlineData("evilexample.org", false)]
    [InlineData("example.com", false)]
    [InlineData("[::1]", true)]
    public void Allowed_hosts_match_exactly_or_by_subdomain_wildcard(string host, bool allowed)
    {
        var policy = new NetworkPolicy(ToolsOptions.Default.WithAllowedHosts("api.example.com", "*.example.org", "::1"));
        policy.IsHostAllowed(host).Should().Be(allowed);
    }

    [Fact]
    public void An_empty_allow_list_allows_any_host_name()
    {
        new NetworkPolicy(ToolsOptions.Default).IsHostAllowed("anything.example").Should().BeTrue();
    }

    [Fact]
    public void Refusals_name_the_option_that_would_allow_them()
    {
        var policy = new NetworkPolicy(ToolsOptions.Default);
        policy.WhyRefused(IPAddress.Loopback).Should().Contain("AllowLoopback");
        policy.WhyRefused(IPAddress.Parse("10.0.0.1")).Should().Contain("AllowPrivateNetworks");
        policy.WhyRefused(IPAddress.Parse("8.8.8.8")).Should().BeNull();
        new NetworkPolicy(ToolsOptions.Default.WithAllowLoopback().WithAllowPrivateNetworks()).WhyRefused(IPAddress.Parse("224.0.0.1")).Should().Contain("never");
    }
}
