using System.Text;
using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;

namespace LlmSpell.Scripting.Lua.Tests.Support;

/// <summary>Runs a script on a host and keeps what it printed.</summary>
public sealed class Scripts(LuaScriptHost host)
{
    private readonly StringBuilder _stdout = new();

    public LuaScriptOptions Options { get; set; } = LuaScriptOptions.Default;

    public string Printed => _stdout.ToString();

    public Task<JsonNode?> Run(string script, string chunk = "test.lua", CancellationToken cancellationToken = default) =>
        host.RunAsync(script, chunk, Options.WithStdout(new StringWriter(_stdout)), cancellationToken);

    /// <summary>The error a script fails with (the test fails if it succeeds).</summary>
    public async Task<LuaScriptError> Fails(string script, string chunk = "test.lua")
    {
        var act = () => Run(script, chunk);
        return (await act.Should().ThrowAsync<LuaScriptError>()).Which;
    }
}
