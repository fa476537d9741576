using LlmSpell.Scripting.Lua.Hosting;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary><c>Json.encode(value [, indent])</c>, <c>Json.decode(text)</c>, <c>Json.null</c>, <c>Json.array([t])</c>.</summary>
internal static class JsonGlobal
{
    public static void Install(LuaRun run)
    {
        var json = run.NewTable();
        json["encode"] = run.Function(a => run.Marshaller.Encode(LuaArgs.At(a, 0), indented: LuaArgs.At(a, 1) is true));
        json["decode"] = run.Function(a => run.Marshaller.Decode(LuaArgs.At(a, 0) as string
            ?? throw new ArgumentException("Json.decode expects a string of JSON text")));
        json["array"] = run.Function(a =>
        {
            var array = run.NewArray();
            if (LuaArgs.At(a, 0) is LuaTable items)
                foreach (KeyValuePair<object, object> e in items) array[e.Key] = e.Value;
            return array;
        });
        json["null"] = run.Null;
        run.SetGlobal("Json", json);
    }
}
