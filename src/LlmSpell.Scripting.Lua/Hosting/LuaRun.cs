using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using LlmSpell.Scripting.Lua.Marshalling;
using NLua;
using NLua.Exceptions;
using LuaState = KeraLua.Lua;
using LuaCFunction = KeraLua.LuaFunction;

namespace LlmSpell.Scripting.Lua.Hosting;

/// <summary>
/// One script run: a sandboxed Lua 5.4 state (NLua over KeraLua) with its memory limit and instruction budget, owned by
/// one dedicated thread. Every Lua call happens on that thread; other threads hand work to it with
/// <see cref="OnScriptThread{T}"/>, which the thread runs while it waits in <see cref="Wait{T}"/>.
/// </summary>
public sealed partial class LuaRun : IDisposable
{
    private readonly LuaScriptOptions _options;
    private readonly LuaMemoryLimit _memory;
    private readonly LuaState _state;
    private readonly NLua.Lua _lua;
    private readonly Thread _thread;
    private readonly BlockingCollection<WorkItem> _work = new();
    private readonly List<Func<object?[], object?>> _functions = [];
    private readonly List<Action> _onEnd = [];

    // Native code holds pointers to these delegates: they live as long as the run.
    private readonly LuaCFunction _dispatch;
    private readonly LuaCFunction _stopSignal;
    private readonly LuaCFunction _cancelled;
    private readonly LuaCFunction _enforce;

    private readonly LuaFunction _wrap;
    private readonly LuaFunction _guarded;
    private readonly LuaFunction _newTable;
    private readonly LuaTable _exchange;
    private readonly LuaFunction _resetBudget;
    private string? _stopped;

    internal LuaRun(LuaScriptOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        CancellationToken = cancellationToken;
        _thread = Thread.CurrentThread;
        _memory = new LuaMemoryLimit(options.MemoryLimitBytes);
        _state = new LuaState(_memory.Allocator, IntPtr.Zero) { Encoding = Encoding.UTF8 };
        _state.OpenLibs();
        // NLua, given a state, expects its 'luanet' table to exist; the sandbox removes it again.
        _state.NewTable();
        _state.SetGlobal("luanet");
        _lua = new NLua.Lua(_state);
        Marshaller = new LuaJson(this);

        _dispatch = Dispatch;
        _stopSignal = StopSignal;
        _cancelled = Cancelled;
        _enforce = Enforce;
        // Function 0 is print's output (the sandbox wraps it before any script runs).
        _functions.Add(args => { _options.Stdout.WriteLine(args.Length > 0 ? args[0] as string : ""); return null; });
        var sandbox = (LuaFunction)_lua.LoadString(ReadResource("Sandbox.lua"), "=sandbox");
        var host = (LuaTable)sandbox.Call(CFunction(_dispatch), CFunction(_stopSignal), CFunction(_cancelled), CFunction(_enforce),
            options.InstructionBudget, CheckInterval(options))[0]!;
        _wrap = (LuaFunction)host["wrap"];
        _guarded = (LuaFunction)host["guarded"];
        _newTable = (LuaFunction)host["newtable"];
        _exchange = (LuaTable)host["exchange"];
        _resetBudget = (LuaFunction)host["reset_budget"];
        ArrayMetatable = (LuaTable)host["array_mt"];
        Null = (LuaTable)host["null"];

        var arguments = NewTable();
        foreach (var (key, value) in options.Args) arguments[key] = value;
        SetGlobal("ARGS", arguments);
    }

    /// <summary>Cancelled when the run should stop: the budget hook and every wait check it.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Lua values ↔ JSON.</summary>
    public LuaJson Marshaller { get; }

    /// <summary>The writer <c>print</c> uses.</summary>
    public TextWriter Stdout => _options.Stdout;

    /// <summary>The metatable that marks a table as a JSON array (so an empty one stays an array).</summary>
    internal LuaTable ArrayMetatable { get; }

    /// <summary><c>Json.null</c>: JSON null where Lua's nil cannot stand (an element of an array).</summary>
    public LuaTable Null { get; }

    /// <summary>A new empty table marked as a JSON array.</summary>
    public LuaTable NewArray()
    {
        var table = NewTable();
        _lua.Push(table);
        _lua.Push(ArrayMetatable);
        _state.SetMetaTable(-2);
        _state.Pop(1);
        return table;
    }

    /// <summary>
    /// A field of a script's table read raw: NLua's indexer runs the table's __index, Lua code of the script that
    /// would run (and could fail) outside any protected call.
    /// </summary>
    public object? Field(LuaTable table, string key)
    {
        var top = _state.GetTop();
        try
        {
            _lua.Push(table);
            _state.PushString(key);
            _state.RawGet(-2);
            return _lua.Pop();
        }
        finally
        {
            _state.SetTop(top);
        }
    }

    /// <summary>Whether <paramref name="table"/> is <see cref="Null"/> (raw identity: no __eq of the script runs).</summary>
    internal bool IsNull(LuaTable table)
    {
        var top = _state.GetTop();
        try
        {
            _lua.Push(table);
            _lua.Push(Null);
            return _state.RawEqual(-1, -2);
        }
        finally
        {
            _state.SetTop(top);
        }
    }

    /// <summary>Whether a table carries the array mark (from Json.decode, Json.array or the host).</summary>
    internal bool IsMarkedArray(LuaTable table)
    {
        var top = _state.GetTop();
        try
        {
            _lua.Push(table);
            if (!_state.GetMetaTable(-1)) return false;
            _state.PushString("__jsontype");
            _state.RawGet(-2);
            return _state.IsString(-1) && _state.ToString(-1, false) == "array";
        }
        finally
        {
            _state.SetTop(top);
        }
    }

    /// <summary>A new empty Lua table.</summary>
    public LuaTable NewTable() => (LuaTable)_newTable.Call()[0];

    /// <summary>Sets a global.</summary>
    public void SetGlobal(string name, object? value) => _lua[name] = value;

    /// <summary>
    /// A Lua function backed by <paramref name="body"/> (which gets the Lua arguments and returns one value). A .NET
    /// exception becomes a Lua error raised at the script line that called the function ("script.lua:7: message").
    /// </summary>
    public LuaFunction Function(Func<object?[], object?> body)
    {
        _functions.Add(body);
        return (LuaFunction)_wrap.Call((long)(_functions.Count - 1))[0];
    }

    /// <summary>Defines a global function (see <see cref="Function(Func{object?[], object?})"/>).</summary>
    public void Function(string global, Func<object?[], object?> body) => SetGlobal(global, Function(body));

    /// <summary>
    /// Runs Lua code shipped with the host (the Lua side of the globals): <paramref name="resource"/> is an embedded
    /// .lua file, called with <paramref name="args"/>; returns its results.
    /// </summary>
    public object?[] RunResource(string resource, params object?[] args) =>
        Call(_lua.LoadString(ReadResource(resource), "=" + resource), args);

    /// <summary>
    /// Calls a Lua function of the script (a callback, a custom step) on this thread, with the memory limit enforced.
    /// A Lua error becomes a <see cref="LuaScriptError"/> with the script's file and line.
    /// </summary>
    public object?[] Call(LuaFunction function, params object?[] args)
    {
        EnsureScriptThread();
        var previous = _memory.Enforced;
        try
        {
            var all = new object?[args.Length + 1];
            all[0] = function;
            Array.Copy(args, 0, all, 1, args.Length);
            var packed = (LuaTable)_guarded.Call(all)[0];
            var n = packed["n"] is long count ? (int)count : 0;
            if (packed[1L] is not true) throw Failure(n > 1 ? packed[2L] : null);
            var results = new object?[Math.Max(0, n - 1)];
            for (var i = 2; i <= n; i++) results[i - 2] = packed[(long)i];
            return results;
        }
        catch (LuaScriptException e)
        {
            // The guard itself failed: the budget hook fires on its first instruction once the budget is spent.
            throw Failure(e.Message);
        }
        finally
        {
            _memory.Enforced = previous;
        }
    }

    /// <summary>Runs the script's main chunk; the chunk name is the file name, so errors read "name.lua:12: ...".</summary>
    internal object?[] Execute(string script, string chunkName)
    {
        LuaFunction chunk;
        try
        {
            chunk = _lua.LoadString(script, "@" + chunkName);
        }
        catch (LuaException e)
        {
            throw new LuaScriptError(e.Message, e);
        }
        _resetBudget.Call();
        return Call(chunk);
    }

    /// <summary>The error a failed Lua call reports: the budget or the memory limit when they stopped it, else its own.</summary>
    private LuaScriptError Failure(object? error)
    {
        if (_stopped == "instruction budget exceeded")
            return new LuaScriptError($"instruction budget exceeded ({_options.InstructionBudget.ToString(CultureInfo.InvariantCulture)} instructions); raise it with --max-instructions, or look for a loop that never ends");
        if (_stopped is not null || CancellationToken.IsCancellationRequested) return new LuaScriptError(_stopped ?? "script cancelled");
        if (_memory.Exceeded)
            return new LuaScriptError($"memory limit exceeded ({_options.MemoryLimitBytes / (1024 * 1024)} MB); raise it with --max-memory-mb, or keep less data in tables");
        return new LuaScriptError(error switch
        {
            string s => s,
            null => "error with a nil error value",
            LuaTable t => TryEncode(t) is { } json ? $"error object {json}" : "(error object is a table value)",
            _ => Convert.ToString(error, CultureInfo.InvariantCulture) ?? "error",
        });
    }

    private string? TryEncode(LuaTable table)
    {
        try { return Marshaller.Encode(table); }
        catch (InvalidOperationException) { return null; }
    }

    private void EnsureScriptThread()
    {
        if (Thread.CurrentThread != _thread)
            throw new InvalidOperationException("Lua is called from a thread other than the script's; marshal the call with OnScriptThread.");
    }

    // A budget smaller than the interval is checked at its own size.
    private static long CheckInterval(LuaScriptOptions options) =>
        options.InstructionBudget > 0 ? Math.Clamp(options.InstructionBudget, 1, Math.Max(1, options.CheckInterval)) : Math.Max(1, options.CheckInterval);

    private object CFunction(LuaCFunction function)
    {
        _state.PushCFunction(function);
        _state.SetGlobal("__llmspell_cfunction");
        var value = _lua["__llmspell_cfunction"];
        _lua["__llmspell_cfunction"] = null;
        return value;
    }

    // NLua registers every interpreter in a static pool and, for a state it was given rather than created, never removes
    // it (its Close returns early): each script would leak its interpreter. The pool is internal to NLua 1.6, hence
    // reflection; if a later NLua renames it, nothing is removed and LuaRunSpec fails.
    private static readonly object? TranslatorPool = typeof(NLua.Lua).Assembly.GetType("NLua.ObjectTranslatorPool")
        ?.GetProperty("Instance", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null);

    private static readonly MethodInfo? RemoveTranslator = TranslatorPool?.GetType()
        .GetMethod("Remove", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(LuaState)]);

    private static void ForgetTranslator(LuaState state) => RemoveTranslator?.Invoke(TranslatorPool, [state]);

    /// <summary>How many interpreters NLua's static pool holds (for the spec that checks runs leave none behind).</summary>
    internal static int PooledInterpreters =>
        TranslatorPool?.GetType().GetField("translators", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(TranslatorPool) is System.Collections.ICollection c ? c.Count : -1;

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded Lua resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Runs <paramref name="cleanup"/> when the script ends (e.g. unregisters the tools it registered).</summary>
    public void OnEnd(Action cleanup) => _onEnd.Add(cleanup);

    public void Dispose()
    {
        foreach (var cleanup in _onEnd) cleanup();
        _work.CompleteAdding();
        // Work queued by other threads after the script ended fails instead of waiting forever.
        while (_work.TryTake(out var work)) work.Abandon();
        _lua.Dispose();
        ForgetTranslator(_state);
        _state.Close();
        _work.Dispose();
    }
}
