using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests.Hosting;

/// <summary>A script error says file, line and message.</summary>
public sealed class ScriptErrorSpec
{
    private readonly Scripts _scripts = new(new LuaScriptHost());

    [Fact]
    public async Task Runtime_error_names_the_file_and_line()
    {
        var error = await _scripts.Fails("local x = 1\nlocal y = 2\nerror('boom')\n", "report.lua");
        error.Message.Should().Be("report.lua:3: boom");
        error.File.Should().Be("report.lua");
        error.Line.Should().Be(3);
        error.Reason.Should().Be("boom");
    }

    [Fact]
    public async Task Syntax_error_names_the_file_and_line()
    {
        var error = await _scripts.Fails("local x = 1\n\nlocal = 3\n", "broken.lua");
        error.Line.Should().Be(3);
        error.Message.Should().StartWith("broken.lua:3:").And.Contain("near '='");
    }

    [Fact]
    public async Task Error_in_a_nested_function_points_at_the_line_that_failed()
    {
        var error = await _scripts.Fails("local function f(t)\n  return t.x.y\nend\nf({})\n");
        error.Message.Should().Be("test.lua:2: attempt to index a nil value (field 'x')");
    }

    [Fact]
    public async Task Error_in_a_host_function_is_raised_at_the_calling_line()
    {
        var error = await _scripts.Fails("local ok = 1\nlocal v = Json.decode('{oops')\n");
        error.Line.Should().Be(2);
        error.Message.Should().StartWith("test.lua:2: Json.decode: invalid JSON:");
    }

    [Fact]
    public async Task Host_errors_can_be_caught_with_pcall()
    {
        var result = await _scripts.Run("local ok, err = pcall(Json.decode, 42)\nreturn {ok = ok, err = err}");
        result!["ok"]!.GetValue<bool>().Should().BeFalse();
        result["err"]!.GetValue<string>().Should().Be("test.lua:1: Json.decode expects a string of JSON text");
    }

    [Fact]
    public async Task A_table_error_value_is_shown_as_JSON()
    {
        (await _scripts.Fails("error({code = 7})")).Message.Should().Be("""error object {"code":7}""");
    }

    [Fact]
    public async Task Error_in_a_host_function_called_in_a_tail_call_points_at_the_nearest_script_line()
    {
        var error = await _scripts.Fails("local function f()\n  return Json.decode(42)\nend\nlocal x = f()\n");
        error.Message.Should().Be("test.lua:4: Json.decode expects a string of JSON text");
    }
}
