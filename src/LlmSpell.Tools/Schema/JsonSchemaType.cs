namespace LlmSpell.Tools.Schema;

/// <summary>The JSON types a schema's <c>type</c> keyword can name.</summary>
[Flags]
public enum JsonSchemaType
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,

    /// <summary>A number without a fractional part (1.0 counts, as in JSON Schema).</summary>
    Integer = 64,
}
