namespace LlmSpell.Tools.BuiltIn.Json;

/// <summary>A JSONPath expression is malformed; <see cref="Position"/> is the 0-based character where parsing stopped.</summary>
public sealed class JsonPathException(string path, int position, string message)
    : Exception($"{message} at position {position} of '{path}'")
{
    public string Path { get; } = path;
    public int Position { get; } = position;
}
