using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests.Hosting;

/// <summary>The lifetime of one run.</summary>
[Collection(nameof(LuaRunSpec))]
public sealed class LuaRunSpec
{
    [Fact]
    public async Task A_finished_run_leaves_no_interpreter_in_NLua_s_static_pool()
    {
        var scripts = new Scripts(new LuaScriptHost());
        await scripts.Run("return 1");
        var before = LuaRun.PooledInterpreters;
        before.Should().BeGreaterThanOrEqualTo(0, "NLua's pool is where NLua 1.6 keeps it");

        for (var i = 0; i < 5; i++) await scripts.Run("return 1");

        LuaRun.PooledInterpreters.Should().BeLessThanOrEqualTo(before, "runs of other specs may still be ending; ours must not stay");
    }
}

/// <summary>Runs alone: it counts the interpreters of the whole process.</summary>
[CollectionDefinition(nameof(LuaRunSpec), DisableParallelization = true)]
public sealed class LuaRunSpecCollection;
