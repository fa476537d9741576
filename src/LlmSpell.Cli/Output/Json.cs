using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Cli.Output;

/// <summary>JSON as the CLI prints it: indented, with non-ASCII text and '&lt;' left as they are.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = DefinitionLimits.MaxWrittenDepth,
    };

    public static string Format(JsonNode? node) => node?.ToJsonString(Pretty) ?? "null";
}
