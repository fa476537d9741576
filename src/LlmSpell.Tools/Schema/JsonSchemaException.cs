namespace LlmSpell.Tools.Schema;

/// <summary>A JSON schema is malformed or uses a keyword this validator does not support; names where in the schema.</summary>
public sealed class JsonSchemaException : Exception
{
    public JsonSchemaException(string schemaPath, string message)
        : base($"Schema at '{schemaPath}': {message}") => SchemaPath = schemaPath;

    /// <summary>Where in the schema (a JSON pointer-like path, <c>#/properties/url</c>).</summary>
    public string SchemaPath { get; }
}
