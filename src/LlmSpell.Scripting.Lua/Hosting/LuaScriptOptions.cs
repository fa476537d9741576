namespace LlmSpell.Scripting.Lua.Hosting;

/// <summary>Limits and I/O of one script run; defaults stop a runaway script within seconds.</summary>
public sealed record LuaScriptOptions
{
    public static readonly LuaScriptOptions Default = new();

    /// <summary>Lua VM instructions the script may execute in all (its coroutines and callbacks included); 0: no limit.</summary>
    public long InstructionBudget { get; init; } = 1_000_000_000;

    /// <summary>Bytes the Lua heap may hold; 0: no limit. Data the host hands to the script (tool results) is not refused.</summary>
    public long MemoryLimitBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Instructions between two budget (and cancellation) checks: the budget's precision.</summary>
    public int CheckInterval { get; init; } = 10_000;

    /// <summary>Where <c>print</c> writes.</summary>
    public TextWriter Stdout { get; init; } = Console.Out;

    /// <summary>The global table <c>ARGS</c>: <c>--arg k=v</c> of <c>llmspell run</c>.</summary>
    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();

    public LuaScriptOptions WithInstructionBudget(long instructions) => this with { InstructionBudget = instructions };
    public LuaScriptOptions WithMemoryLimit(long bytes) => this with { MemoryLimitBytes = bytes };
    public LuaScriptOptions WithStdout(TextWriter stdout) => this with { Stdout = stdout };
    public LuaScriptOptions WithArgs(IReadOnlyDictionary<string, string> args) => this with { Args = args };
}
