namespace LlmSpell.Tools.BuiltIn.Arithmetic;

/// <summary>An arithmetic expression is malformed or cannot be evaluated; <see cref="Position"/> is the 0-based character where.</summary>
public sealed class ExpressionException(string expression, int position, string message)
    : Exception($"{message} at position {position} of '{expression}'")
{
    public string Expression { get; } = expression;
    public int Position { get; } = position;
}
