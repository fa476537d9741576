using System.Text.RegularExpressions;
using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests;

/// <summary>Every Lua block of docs/lua.md runs as written (agents answer from the loopback Ollama).</summary>
public sealed partial class DocsSpec(LuaEngine engine) : IClassFixture<LuaEngine>
{
    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < LuaBlocks().Count; i++) data.Add(i);
        return data;
    }

    private static List<string> LuaBlocks() =>
        LuaFence().Matches(File.ReadAllText(Path.Combine(Repository.Root, "docs", "lua.md"))).Select(m => m.Groups[1].Value).ToList();

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task The_block_runs(int index)
    {
        engine.Ollama.Reset();
        var scripts = engine.Scripts();
        await scripts.Run(LuaBlocks()[index], $"docs-{index}.lua");
    }

    [Fact]
    public async Task The_workflow_example_prints_what_its_comment_says()
    {
        var scripts = engine.Scripts();
        await scripts.Run(LuaBlocks().Single(b => b.Contains("double-each", StringComparison.Ordinal)));
        scripts.Printed.Should().StartWith("true\tcompleted\t42\nflowchart TD");
    }

    [GeneratedRegex("```lua\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex LuaFence();
}
