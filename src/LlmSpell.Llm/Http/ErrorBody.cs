using System.Text.Json;

namespace LlmSpell.Llm.Http;

/// <summary>Extracts the human text from an error body: <c>{"error":"…"}</c> (Ollama), <c>{"error":{"message":"…"}}</c> (OpenAI) or plain text.</summary>
internal static class ErrorBody
{
    private const int MaxLength = 500;

    public static string Text(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "(no error text)";
        var trimmed = body.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(trimmed);
                var root = doc.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String) return Shorten(error.GetString()!);
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                        return Shorten(message.GetString()!);
                }
                if (root.TryGetProperty("message", out var top) && top.ValueKind == JsonValueKind.String) return Shorten(top.GetString()!);
            }
            catch (JsonException)
            {
                // Not JSON after all: show the raw text.
            }
        }
        return Shorten(trimmed);
    }

    public static string Shorten(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");
}
