using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests.Hosting;

/// <summary>What the sandbox refuses, and what it keeps.</summary>
public sealed class SandboxSpec
{
    private readonly Scripts _scripts = new(new LuaScriptHost());

    [Theory]
    [InlineData("os.execute('echo hi')", "test.lua:1: os.execute is not available in the sandbox")]
    [InlineData("local f = io.popen('ls')", "test.lua:1: io.popen is not available in the sandbox")]
    [InlineData("io.open('/etc/passwd')", "test.lua:1: io.open is not available in the sandbox (read and write files with the file tools")]
    [InlineData("io.write('x')", "test.lua:1: io.write is not available in the sandbox (print writes to stdout)")]
    [InlineData("os.remove('x')", "test.lua:1: os.remove is not available in the sandbox")]
    [InlineData("require('socket.core')", "test.lua:1: require('socket.core'): modules are not available in the sandbox")]
    [InlineData("dofile('/etc/passwd')", "test.lua:1: dofile is not available in the sandbox")]
    [InlineData("loadfile('/etc/passwd')", "test.lua:1: loadfile is not available in the sandbox")]
    [InlineData("load('return 1', 'x', 'b')", "test.lua:1: load: only text chunks are allowed in the sandbox")]
    [InlineData("collectgarbage('stop')", "test.lua:1: collectgarbage('stop') is not available in the sandbox")]
    [InlineData("os.getenv('HOME')", "test.lua:1: os.getenv is not available in the sandbox")]
    public async Task Refuses_what_touches_the_machine_with_the_line_and_what_to_use_instead(string script, string error)
    {
        (await _scripts.Fails(script)).Message.Should().StartWith(error);
    }

    [Theory]
    [InlineData("package")]
    [InlineData("debug")]
    [InlineData("luanet")]
    [InlineData("import")]
    [InlineData("string.dump")]
    public async Task Has_no_package_loader_debug_library_or_dotnet_bridge(string global)
    {
        (await _scripts.Run($"return {global} == nil"))!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Package_loadlib_cannot_be_reached()
    {
        (await _scripts.Fails("return package.loadlib('libc.so.6', 'system')")).Message.Should().Contain("attempt to index a nil value (global 'package')");
    }

    [Fact]
    public async Task Keeps_the_pure_libraries_and_text_load()
    {
        var result = await _scripts.Run("""
            local f = load("return 6 * 7")
            local t = {3, 1, 2}
            table.sort(t)
            return { answer = f(), sorted = t, upper = string.upper("lua"), floor = math.floor(2.5), clock = type(os.clock()),
                     utf8 = utf8.char(72, 105), co = coroutine.wrap(function() coroutine.yield(5) end)() }
            """);
        result!.ToJsonString().Should().Be("""{"answer":42,"clock":"number","co":5,"floor":2,"sorted":[1,2,3],"upper":"LUA","utf8":"Hi"}""");
    }

    [Fact]
    public async Task Print_writes_tab_separated_lines_to_stdout()
    {
        await _scripts.Run("print('a', 1, 2.5, nil, true) print()");
        _scripts.Printed.Should().Be("a\t1\t2.5\tnil\ttrue\n\n");
    }

    [Fact]
    public async Task ARGS_holds_the_arguments()
    {
        _scripts.Options = LuaScriptOptions.Default.WithArgs(new Dictionary<string, string> { ["name"] = "world", ["n"] = "3" });
        (await _scripts.Run("return ARGS.name .. ':' .. ARGS.n"))!.GetValue<string>().Should().Be("world:3");
    }
}
