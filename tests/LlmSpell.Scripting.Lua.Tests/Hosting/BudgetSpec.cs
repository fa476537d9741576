using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests.Hosting;

/// <summary>The instruction budget and the memory limit stop runaway scripts, whatever the script catches.</summary>
public sealed class BudgetSpec
{
    private readonly Scripts _scripts = new(new LuaScriptHost())
    {
        Options = LuaScriptOptions.Default.WithInstructionBudget(2_000_000).WithMemoryLimit(16L * 1024 * 1024),
    };

    [Fact]
    public async Task An_endless_loop_exceeds_the_instruction_budget()
    {
        (await _scripts.Fails("while true do end")).Message.Should().StartWith("instruction budget exceeded (2000000 instructions)");
    }

    [Fact]
    public async Task Pcall_in_a_loop_cannot_swallow_the_budget()
    {
        var error = await _scripts.Fails("""
            local caught = 0
            while true do
              local ok = pcall(function() while true do end end)
              if not ok then caught = caught + 1 end
            end
            """);
        error.Message.Should().StartWith("instruction budget exceeded");
    }

    [Fact]
    public async Task A_coroutine_cannot_escape_the_budget()
    {
        var error = await _scripts.Fails("""
            local co = coroutine.create(function() while true do end end)
            local ok, err = coroutine.resume(co)
            -- the script ignores the failure and goes on in the main thread
            for i = 1, 10 do local _ = i end
            return "escaped"
            """);
        error.Message.Should().StartWith("instruction budget exceeded");
    }

    [Fact]
    public async Task Coroutine_wrap_and_xpcall_cannot_escape_the_budget()
    {
        var error = await _scripts.Fails("""
            local f = coroutine.wrap(function() while true do end end)
            xpcall(f, function(e) return "handled" end)
            while true do end
            """);
        error.Message.Should().StartWith("instruction budget exceeded");
    }

    [Fact]
    public async Task A_budget_below_the_check_interval_is_still_enforced()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(500);
        (await _scripts.Fails("for i = 1, 1000 do local _ = i * i end")).Message.Should().StartWith("instruction budget exceeded (500 instructions)");
    }

    [Fact]
    public async Task Work_within_the_budget_completes()
    {
        (await _scripts.Run("local s = 0 for i = 1, 10000 do s = s + i end return s"))!.GetValue<long>().Should().Be(50005000);
    }

    [Fact]
    public async Task Growing_a_table_without_end_exceeds_the_memory_limit()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(0);
        var error = await _scripts.Fails("local t = {} local i = 0 while true do i = i + 1 t[i] = string.rep('x', 100) .. i end");
        error.Message.Should().StartWith("memory limit exceeded (16 MB)");
    }

    [Fact]
    public async Task Pcall_cannot_swallow_the_memory_limit()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(0);
        var error = await _scripts.Fails("""
            local hoard = {}
            for round = 1, 1000 do
              pcall(function() local t = {} for i = 1, 1e9 do t[i] = string.rep('y', 64) .. i end end)
              hoard[round] = string.rep('z', 1024 * 1024)
            end
            return "escaped"
            """);
        error.Message.Should().StartWith("memory limit exceeded (16 MB)");
    }

    [Fact]
    public async Task One_big_string_is_refused()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(0);
        (await _scripts.Fails("local s = string.rep('x', 64 * 1024 * 1024)")).Message.Should().StartWith("memory limit exceeded (16 MB)");
    }

    [Fact]
    public async Task Cancelling_stops_a_busy_script()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(0);
        using var cts = new CancellationTokenSource();
        var run = _scripts.Run("while true do end", cancellationToken: cts.Token);
        cts.Cancel();
        var act = () => run;
        (await act.Should().ThrowAsync<LuaScriptError>()).Which.Message.Should().Be("script cancelled");
    }
}
