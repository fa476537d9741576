using System.Net;
using System.Net.Sockets;
using LlmSpell.TestServers;

namespace LlmSpell.Llm.Tests;

/// <summary>One loopback Ollama server per test class (tests of a class run one at a time; each resets it).</summary>
public sealed class OllamaServerFixture : IAsyncLifetime
{
    public OllamaTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One loopback OpenAI-compatible server per test class.</summary>
public sealed class OpenAiServerFixture : IAsyncLifetime
{
    public OpenAiTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await OpenAiTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public static class Loopback
{
    /// <summary>A URL on 127.0.0.1 where nothing listens: a port the OS just handed out and took back.</summary>
    public static Uri ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>How long a test waits for something that should happen at once before failing (not a sleep).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
}
