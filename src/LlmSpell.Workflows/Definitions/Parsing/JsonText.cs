using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Parses JSON text into a node, or says where it is malformed (line and column, 1-based). Comments and
/// trailing commas are allowed: definitions are written by hand.
/// </summary>
/// <remarks>
/// A reader pass first finds every problem with its position (JsonNode.Parse accepts duplicate keys and lone surrogate
/// escapes and fails only later, without one). The nodes are then built at once, not left as views of the document
/// that materialize on first use: those made deep documents slow to walk and to copy.
/// </remarks>
internal static class JsonText
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = DefinitionLimits.MaxDocumentDepth,
    };

    public static JsonNode? Parse(string json, out ValidationError? error)
    {
        error = Scan(json);
        return error is null ? Materialize(JsonDocument.Parse(json, Options).RootElement) : null;
    }

    // Containers and strings become plain nodes at once; numbers stay views of the document, which keeps their text
    // exact and lets readers take them as any numeric type.
    private static JsonNode? Materialize(JsonElement rootElement)
    {
        JsonNode? root = null;
        var pending = new Stack<(JsonElement Element, JsonNode? Parent, string? Key)>([(rootElement, null, null)]);
        while (pending.Count > 0)
        {
            var (element, parent, key) = pending.Pop();
            JsonNode? node = element.ValueKind switch
            {
                JsonValueKind.Object => new JsonObject(),
                JsonValueKind.Array => new JsonArray(),
                JsonValueKind.String => JsonValue.Create(element.GetString()),
                JsonValueKind.True => JsonValue.Create(true),
                JsonValueKind.False => JsonValue.Create(false),
                JsonValueKind.Number => JsonValue.Create(element),
                _ => null,
            };
            if (parent is JsonObject obj) obj[key!] = node;
            else if (parent is JsonArray arr) arr.Add(node);
            else root = node;
            // Children are pushed in reverse so that they are added in document order.
            if (element.ValueKind == JsonValueKind.Object)
                foreach (var property in element.EnumerateObject().Reverse()) pending.Push((property.Value, node, property.Name));
            else if (element.ValueKind == JsonValueKind.Array)
                foreach (var item in element.EnumerateArray().Reverse()) pending.Push((item, node, null));
        }
        return root;
    }

    // One open object or array. Frames are reused per depth and paths are built only for an error: a document of
    // 100,000 steps, or one nested a thousand deep, would otherwise build a path string (and a key set) per value.
    private sealed class Frame
    {
        public bool IsArray;
        public int Index;
        public string? PendingKey;
        public readonly HashSet<string> Keys = new(StringComparer.Ordinal);
        public Frame Reset(bool isArray)
        {
            IsArray = isArray;
            Index = -1;
            PendingKey = null;
            Keys.Clear();
            return this;
        }
    }

    private static ValidationError? Scan(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = DefinitionLimits.MaxDocumentDepth,
        });
        var frames = new List<Frame>();
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = frames[depth - 1];
                        if (Unreadable(ref reader, bytes, frames, depth - 1) is { } badKey) return badKey;
                        var key = reader.GetString()!;
                        if (!frame.Keys.Add(key))
                        {
                            var (line, column) = Position(bytes, (int)reader.TokenStartIndex);
                            return new ValidationError(JsonPaths.Property(PathOf(frames, depth - 1), key),
                                $"duplicate key '{key}' at line {line}, column {column}; a key may appear only once in an object");
                        }
                        frame.PendingKey = key;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(frames, depth);
                        if (depth == frames.Count) frames.Add(new Frame());
                        frames[depth++].Reset(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.String:
                        Advance(frames, depth);
                        if (Unreadable(ref reader, bytes, frames, depth) is { } badString) return badString;
                        break;
                    default:
                        Advance(frames, depth);
                        break;
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            return new ValidationError(PathOf(frames, Math.Max(0, depth - 1)),
                $"malformed JSON at line {line}, column {column}: {Reason(e.Message)}");
        }
    }

    // A value is about to be read inside the innermost open array: it is the next element.
    private static void Advance(List<Frame> frames, int depth)
    {
        if (depth > 0 && frames[depth - 1].IsArray) frames[depth - 1].Index++;
    }

    /// <summary>The path of the value at the current position of the first <paramref name="count"/> frames.</summary>
    private static string PathOf(List<Frame> frames, int count)
    {
        var path = JsonPaths.Root;
        for (var i = 0; i < count; i++)
            path = frames[i].IsArray ? JsonPaths.Index(path, frames[i].Index) : JsonPaths.Property(path, frames[i].PendingKey ?? "");
        return path;
    }

    // An escape such as a lone "\ud800" is valid JSON syntax but no text: .NET strings cannot hold it, so reading it throws.
    private static ValidationError? Unreadable(ref Utf8JsonReader reader, byte[] bytes, List<Frame> frames, int count)
    {
        if (!reader.ValueIsEscaped) return null;
        try
        {
            reader.GetString();
            return null;
        }
        catch (InvalidOperationException e)
        {
            var (line, column) = Position(bytes, (int)reader.TokenStartIndex);
            return new ValidationError(PathOf(frames, count), $"the string at line {line}, column {column} has an escape that is not text ({Reason(e.Message)}); " +
                "a \\uD800-\\uDFFF escape must be half of a surrogate pair, e.g. \\ud83d\\ude00");
        }
    }

    private static (int Line, int Column) Position(byte[] bytes, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, Encoding.UTF8.GetCharCount(bytes, lineStart, offset - lineStart) + 1);
    }

    // System.Text.Json appends "LineNumber: 0 | BytePositionInLine: 5." (0-based); we give 1-based numbers ourselves.
    private static string Reason(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at]).Trim();
    }
}
