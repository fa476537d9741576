using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>Checks of the arguments a global function gets, with errors that name the function and what it expects.</summary>
internal static class LuaArgs
{
    public static object? At(object?[] args, int index) => index < args.Length ? args[index] : null;

    public static string String(object?[] args, int index, string function, string what) =>
        At(args, index) as string ?? throw new ArgumentException($"{function}: {what} must be a string, got {TypeName(At(args, index))}");

    public static LuaTable Table(object?[] args, int index, string function, string what) =>
        At(args, index) as LuaTable ?? throw new ArgumentException($"{function}: {what} must be a table, got {TypeName(At(args, index))}");

    public static LuaTable? OptionalTable(object?[] args, int index, string function, string what) => At(args, index) switch
    {
        null => null,
        LuaTable t => t,
        var other => throw new ArgumentException($"{function}: {what} must be a table, got {TypeName(other)}"),
    };

    public static JsonObject Object(LuaRun run, object? value, string function, string what) => value switch
    {
        null => [],
        LuaTable t => run.Marshaller.ToJson(t, what) as JsonObject ?? throw new ArgumentException($"{function}: {what} must be a table with named fields, got an array"),
        var other => throw new ArgumentException($"{function}: {what} must be a table, got {TypeName(other)}"),
    };

    public static string TypeName(object? value) => value switch
    {
        null => "nil",
        string => "string",
        long => "integer",
        double => "number",
        bool => "boolean",
        LuaTable => "table",
        LuaFunction => "function",
        _ => value.GetType().Name,
    };
}
