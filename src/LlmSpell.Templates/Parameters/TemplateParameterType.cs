namespace LlmSpell.Templates.Parameters;

/// <summary>The JSON kind of a template parameter's value.</summary>
public enum TemplateParameterType
{
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,

    /// <summary>A string from <see cref="TemplateParameter.AllowedValues"/>.</summary>
    Enum,
}

/// <summary>The lower-case names used in schemas and messages.</summary>
public static class TemplateParameterTypeNames
{
    public static string Of(TemplateParameterType type) => type switch
    {
        TemplateParameterType.String => "string",
        TemplateParameterType.Integer => "integer",
        TemplateParameterType.Number => "number",
        TemplateParameterType.Boolean => "boolean",
        TemplateParameterType.Object => "object",
        TemplateParameterType.Array => "array",
        _ => "enum",
    };
}
