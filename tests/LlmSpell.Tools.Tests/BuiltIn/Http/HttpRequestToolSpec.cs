using System.Net;
using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Http;

namespace LlmSpell.Tools.Tests.BuiltIn.Http;

public sealed class HttpRequestToolSpec(LoopbackServer server) : IClassFixture<LoopbackServer>, IDisposable
{
    private static readonly ToolsOptions LoopbackAllowed = ToolsOptions.Default.WithAllowLoopback().WithHttpTimeout(TimeSpan.FromSeconds(10));
    private readonly TempWorkspace _workspace = new();
    private readonly List<IDisposable> _tools = [];

    public void Dispose()
    {
        foreach (var tool in _tools) tool.Dispose();
        _workspace.Dispose();
        _tripped.Should().BeEmpty("no test may get as far as connecting to a non-loopback address");
    }

    /// <summary>Addresses the tool tried to connect to that are not loopback (always refused here, never reached).</summary>
    private readonly List<IPAddress> _tripped = [];

    // Every tool here connects through this: loopback for real, anything else trips instead of leaving the machine,
    // so a broken address check fails a test rather than sending traffic to another address.
    private HttpRequestTool Tool(ToolsOptions options, Func<string, CancellationToken, Task<IPAddress[]>>? dns = null)
    {
        var tool = new HttpRequestTool(options, dns ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct)), LoopbackOnlyAsync);
        _tools.Add(tool);
        return tool;
    }

    private async ValueTask<Stream> LoopbackOnlyAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var outside = addresses.Where(a => !IPAddress.IsLoopback(a)).ToArray();
        if (outside.Length > 0)
        {
            lock (_tripped) _tripped.AddRange(outside);
            throw new InvalidOperationException($"test tripwire: the tool tried to connect to {string.Join(", ", outside)}");
        }
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(addresses, port, cancellationToken);
        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
    }

    private Task<JsonNode> Run(HttpRequestTool tool, JsonObject parameters) => tool.Run(parameters.ToJsonString(), _workspace.Context);

    private Func<Task<JsonNode>> Calling(HttpRequestTool tool, JsonObject parameters) => tool.Calling(parameters.ToJsonString(), _workspace.Context);

    [Fact]
    public async Task Gets_a_page_from_a_loopback_server_when_loopback_is_allowed()
    {
        var result = await Run(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/hello") });
        result["status"]!.GetValue<int>().Should().Be(200);
        result["ok"]!.GetValue<bool>().Should().BeTrue();
        result["body"]!.GetValue<string>().Should().Be("hello");
        result["headers"]!["content-type"]!.GetValue<string>().Should().StartWith("text/plain");
        result["truncated"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Posts_a_body_with_headers_and_parses_a_json_answer()
    {
        var result = await Run(Tool(LoopbackAllowed), new JsonObject
        {
            ["url"] = server.Url("/echo"),
            ["method"] = "POST",
            ["headers"] = new JsonObject { ["X-Test"] = "yes", ["Content-Type"] = "text/csv" },
            ["body"] = "a,b",
        });
        var echo = result["json"]!;
        echo["method"]!.GetValue<string>().Should().Be("POST");
        echo["body"]!.GetValue<string>().Should().Be("a,b");
        echo["test"]!.GetValue<string>().Should().Be("yes");
        echo["contentType"]!.GetValue<string>().Should().StartWith("text/csv");
    }

    [Fact]
    public async Task Sends_a_json_body_as_application_json()
    {
        var result = await Run(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/echo"), ["method"] = "PUT", ["json"] = new JsonObject { ["n"] = 1 } });
        result["json"]!["body"]!.GetValue<string>().Should().Be("""{"n":1}""");
        result["json"]!["contentType"]!.GetValue<string>().Should().StartWith("application/json");
    }

    [Fact]
    public async Task Loopback_is_refused_unless_allowed_and_nothing_is_sent()
    {
        var before = server.Hits.Count;
        var act = Calling(Tool(ToolsOptions.Default), new JsonObject { ["url"] = server.Url("/hello?refused") });
        var error = (await act.Should().ThrowAsync<ToolAccessDeniedException>()).Which;
        error.Message.Should().Contain("127.0.0.1 is a loopback address").And.Contain("AllowLoopback");
        server.Hits.Should().NotContain("/hello?refused");
        server.Hits.Count.Should().Be(before);
    }

    [Fact]
    public async Task A_host_name_is_judged_by_the_addresses_it_resolves_to()
    {
        var url = new UriBuilder(server.BaseUrl) { Host = "localhost", Path = "/hello" }.Uri;
        var act = Calling(Tool(ToolsOptions.Default), new JsonObject { ["url"] = url.ToString() });
        (await act.Should().ThrowAsync<ToolAccessDeniedException>()).WithMessage("*loopback*");
    }

    [Fact]
    public async Task A_public_looking_name_that_resolves_to_a_private_address_is_refused_before_connecting()
    {
        var asked = new List<string>();
        var dns = (string host, CancellationToken _) => { asked.Add(host); return Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.5") }); };
        var act = Calling(Tool(ToolsOptions.Default, dns), new JsonObject { ["url"] = "http://rebind.example/" });
        (await act.Should().ThrowAsync<ToolAccessDeniedException>()).WithMessage("*10.0.0.5 is a private-network address*AllowPrivateNetworks*");
        asked.Should().Equal("rebind.example");
    }

    [Theory]
    [InlineData("http://10.1.2.3/", "private-network")]
    [InlineData("http://192.168.1.1/", "private-network")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://[::ffff:127.0.0.1]/", "loopback")]
    [InlineData("http://[fd00::1]/", "private-network")]
    [InlineData("http://0.0.0.0/", "loopback")]
    [InlineData("http://224.0.0.1/", "reserved")]
    public async Task Private_link_local_and_loopback_literals_are_refused(string url, string kind)
    {
        var act = Calling(Tool(ToolsOptions.Default.WithHttpTimeout(TimeSpan.FromSeconds(5))), new JsonObject { ["url"] = url });
        (await act.Should().ThrowAsync<ToolAccessDeniedException>()).WithMessage($"*{kind}*");
    }

    [Fact]
    public async Task Allowing_private_networks_does_not_allow_loopback()
    {
        var act = Calling(Tool(ToolsOptions.Default.WithAllowPrivateNetworks()), new JsonObject { ["url"] = server.Url("/hello") });
        (await act.Should().ThrowAsync<ToolAccessDeniedException>()).WithMessage("*loopback*");
    }

    [Fact]
    public async Task A_host_outside_the_allow_list_is_refused_and_one_inside_is_reached()
    {
        var refused = Calling(Tool(LoopbackAllowed.WithAllowedHosts("api.example.com", "*.example.org")), new JsonObject { ["url"] = server.Url("/hello") });
        (await refused.Should().ThrowAsync<ToolAccessDeniedException>()).WithMessage("*'127.0.0.1' is not in ToolsOptions.AllowedHosts (api.example.com, *.example.org)*");

        var allowed = await Run(Tool(LoopbackAllowed.WithAllowedHosts("127.0.0.1")), new JsonObject { ["url"] = server.Url("/hello") });
        allowed["body"]!.GetValue<string>().Should().Be("hello");
    }

    [Fact]
    public async Task Bodies_over_the_cap_are_cut_and_flagged()
    {
        var result = await Run(Tool(LoopbackAllowed.WithMaxResponseBytes(1000)), new JsonObject { ["url"] = server.Url("/big") });
        result["body"]!.GetValue<string>().Should().HaveLength(1000);
        result["truncated"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_request_that_outlives_its_timeout_fails_saying_so()
    {
        var act = Calling(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/slow"), ["timeoutSeconds"] = 0.2 });
        (await act.Should().ThrowAsync<ToolExecutionException>()).WithMessage("*did not finish within 0.2 s*");
    }

    [Fact]
    public async Task Redirects_are_followed_and_each_target_is_checked()
    {
        var result = await Run(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/redirect") });
        result["body"]!.GetValue<string>().Should().Be("hello");
        result["url"]!.GetValue<string>().Should().Be(server.Url("/hello"));

        var toPrivate = Calling(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/redirect-private") });
        (await toPrivate.Should().ThrowAsync<ToolAccessDeniedException>()).WithMessage("*10.1.2.3*private-network*");

        var loop = Calling(Tool(LoopbackAllowed.WithMaxRedirects(3)), new JsonObject { ["url"] = server.Url("/loop") });
        (await loop.Should().ThrowAsync<ToolExecutionException>()).WithMessage("*more than 3 times*");
    }

    [Fact]
    public async Task Credentials_follow_a_redirect_to_the_same_origin_only()
    {
        var headers = new JsonObject { ["Authorization"] = "Bearer secret" };
        var same = await Run(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/redirect-same"), ["headers"] = headers.DeepClone() });
        same["body"]!.GetValue<string>().Should().Be("auth=Bearer secret");

        var cross = await Run(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/redirect-cross"), ["headers"] = headers.DeepClone() });
        cross["url"]!.GetValue<string>().Should().StartWith("http://localhost:");
        cross["body"]!.GetValue<string>().Should().Be("auth=");
    }

    [Fact]
    public async Task A_post_answered_with_see_other_continues_as_a_get()
    {
        var result = await Run(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/see-other"), ["method"] = "POST", ["body"] = "x" });
        result["body"]!.GetValue<string>().Should().Be("hello");
    }

    [Theory]
    [InlineData("ftp://example.com/file", "scheme")]
    [InlineData("not a url", "format")]
    public async Task Urls_other_than_http_and_https_are_parameter_errors(string url, string rule)
    {
        var error = (await Calling(Tool(LoopbackAllowed), new JsonObject { ["url"] = url }).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("url");
        error.Rule.Should().Be(rule);
    }

    [Fact]
    public async Task An_unknown_method_is_a_schema_violation_naming_the_parameter()
    {
        var error = (await Calling(Tool(LoopbackAllowed), new JsonObject { ["url"] = server.Url("/hello"), ["method"] = "FETCH" }).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("method");
        error.Rule.Should().Be("enum");
    }
}
