namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary>A template is malformed or refers to data that is not there; <see cref="Position"/> is where in the template.</summary>
public sealed class TextTemplateException(int position, string message) : Exception($"{message} (at position {position} of the template)")
{
    public int Position { get; } = position;
}
