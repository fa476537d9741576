using Akka.Actor;
using LlmSpell.Llm;
using LlmSpell.Scripting.Lua.Globals;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.TestServers;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Scripting.Lua.Tests.Support;

/// <summary>
/// A real engine for scripts: an actor system, the built-in tools confined to a temporary workspace, and agents that
/// call a loopback Ollama over HTTP. One per spec class; each spec gets fresh tools and scripts.
/// </summary>
public sealed class LuaEngine : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private ChatClientProvider _llm = null!;

    public OllamaTestServer Ollama { get; private set; } = null!;
    public string Workspace { get; } = Path.Combine(Path.GetTempPath(), "llmspell-lua-spec", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Workspace);
        Ollama = await OllamaTestServer.StartAsync();
        _system = ActorSystem.Create("lua-spec");
        _llm = new ChatClientProvider(LlmProviderOptions.Default.WithOllama(o => o.WithBaseUrl(Ollama.BaseUrl)));
    }

    /// <summary>A host with every global over a fresh engine (its own supervisor and tool registry).</summary>
    public (LuaScriptHost Host, ToolRegistry Tools) Create(string? outputDirectory = null)
    {
        var tools = BuiltInTools.Register(new ToolRegistry(), ToolsOptions.Default.WithWorkspaceDirectory(Workspace));
        var agents = new ChatAgentExecutor(_llm, "ollama/llama3.2:3b");
        var services = new WorkflowServices
        {
            Agents = agents,
            Tools = tools,
            ToolResolver = new ToolResolver(tools, _llm.GetClient(ModelSpec.Parse("ollama/llama3.2:3b"))),
            WorkspaceDirectory = Workspace,
        };
        var engine = new WorkflowEngine(_system, services, runsActorName: "workflows-" + Guid.NewGuid().ToString("N"));
        var environment = new LuaEnvironment { Engine = engine, Tools = tools, Agents = agents, WorkspaceDirectory = Workspace, OutputDirectory = outputDirectory };
        return (LuaGlobals.Host(environment), tools);
    }

    public Scripts Scripts() => new(Create().Host);

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        _llm.Dispose();
        await Ollama.DisposeAsync();
        try { Directory.Delete(Workspace, recursive: true); } catch (IOException) { }
    }
}
