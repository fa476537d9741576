namespace LlmSpell.Tools.BuiltIn.Data;

/// <summary>CSV text is malformed; <see cref="Line"/> is the 1-based line where the problem is.</summary>
public sealed class CsvException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}
