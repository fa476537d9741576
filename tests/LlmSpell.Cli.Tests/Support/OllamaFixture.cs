using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Support;

/// <summary>One loopback Ollama per spec class; each spec resets its script.</summary>
public sealed class OllamaFixture : IAsyncLifetime
{
    public OllamaTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Base of specs that run llmspell against the loopback Ollama, each in its own data directory.</summary>
public abstract class CliSpec : IClassFixture<OllamaFixture>, IDisposable
{
    private readonly TempDirectory _data = new();

    protected CliSpec(OllamaFixture ollama)
    {
        Ollama = ollama.Server;
        Ollama.Reset();
        // Reset keeps the model list; specs change it.
        Ollama.Models.Clear();
        Ollama.Models.AddRange(["llama3.2:3b", "nomic-embed-text:latest"]);
        Cli = new Cli(_data.Path, Ollama.BaseUrl);
        Offline = new Cli(_data.Path);
    }

    protected OllamaTestServer Ollama { get; }

    /// <summary>llmspell with OLLAMA_HOST at the test server.</summary>
    protected Cli Cli { get; }

    /// <summary>llmspell with no reachable Ollama.</summary>
    protected Cli Offline { get; }

    protected string DataDirectory => _data.Path;
    protected string Workspace => Path.Combine(_data.Path, "workspace");

    /// <summary>Writes a workflow definition file under the data directory and returns its path.</summary>
    protected string Definition(string name, string json)
    {
        var path = Path.Combine(DataDirectory, "definitions", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => _data.Dispose();
}
