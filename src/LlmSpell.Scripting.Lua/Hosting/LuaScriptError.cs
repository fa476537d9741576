using System.Text.RegularExpressions;

namespace LlmSpell.Scripting.Lua.Hosting;

/// <summary>
/// A script failed: a syntax or runtime error, a sandbox refusal, or an exhausted budget. <see cref="Exception.Message"/>
/// reads <c>file:line: message</c> when the error has a place in the script.
/// </summary>
public sealed partial class LuaScriptError(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The script file (chunk name) the error points at, when it has a place.</summary>
    public string? File => Location().Match(Message) is { Success: true } m ? m.Groups["file"].Value : null;

    /// <summary>The 1-based line the error points at, when it has a place.</summary>
    public int? Line => Location().Match(Message) is { Success: true } m ? int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The error without its place.</summary>
    public string Reason => Location().Match(Message) is { Success: true } m ? Message[m.Length..] : Message;

    [GeneratedRegex(@"^(?<file>[^\s:][^:\n]*):(?<line>\d+): ")]
    private static partial Regex Location();
}
