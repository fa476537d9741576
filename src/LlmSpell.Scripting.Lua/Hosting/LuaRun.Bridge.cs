using KeraLua;
using NLua;

namespace LlmSpell.Scripting.Lua.Hosting;

// The C functions the sandbox calls. They are managed callbacks from native code, so they must never throw nor raise a
// Lua error (a longjmp across .NET frames hangs or crashes the process): failures travel back in the exchange table
// and the Lua side raises them.
public sealed partial class LuaRun
{
    private int Dispatch(IntPtr state)
    {
        var previous = _memory.Enforced;
        _memory.Enforced = false;
        try
        {
            var id = (int)KeraLua.Lua.FromIntPtr(state).ToInteger(1);
            object? result;
            bool ok;
            try
            {
                result = _functions[id](Arguments(_exchange["args"] as LuaTable));
                ok = true;
            }
            catch (Exception e)
            {
                result = Describe(e);
                ok = false;
            }
            _exchange["value"] = result switch
            {
                int i => (long)i,
                float f => (double)f,
                _ => result,
            };
            // Last: if storing the value failed, the Lua side sees no 'ok' and raises.
            _exchange["ok"] = ok;
        }
        catch (Exception)
        {
            // Setting the result failed (the budget stopped the script, or the state is broken): the Lua side finds
            // no 'ok' and raises the generic error; the host reports the real cause.
        }
        finally
        {
            _memory.Enforced = previous;
        }
        return 0;
    }

    private static object?[] Arguments(LuaTable? packed)
    {
        if (packed is null) return [];
        var n = packed["n"] is long count ? (int)count : 0;
        var values = new object?[n];
        for (var i = 0; i < n; i++) values[i] = packed[(long)(i + 1)];
        return values;
    }

    private static string Describe(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException!),
        LuaScriptError error => error.Message,
        _ => e.Message,
    };

    private int StopSignal(IntPtr state)
    {
        _stopped = KeraLua.Lua.FromIntPtr(state).ToString(1, false);
        return 0;
    }

    private int Cancelled(IntPtr state)
    {
        KeraLua.Lua.FromIntPtr(state).PushBoolean(CancellationToken.IsCancellationRequested);
        return 1;
    }

    private int Enforce(IntPtr state)
    {
        var lua = KeraLua.Lua.FromIntPtr(state);
        var previous = _memory.Enforced;
        _memory.Enforced = lua.ToBoolean(1);
        lua.PushBoolean(previous);
        return 1;
    }
}
