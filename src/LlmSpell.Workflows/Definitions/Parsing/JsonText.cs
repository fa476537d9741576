using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Parses JSON text into a node, or says where it is malformed (line and column, 1-based). Comments and
/// trailing commas are allowed: definitions are written by hand.
/// </summary>
/// <remarks>
/// One reader pass finds every problem with its position (JsonNode.Parse accepts duplicate keys and lone surrogate
/// escapes and fails only later, without one) and builds the nodes as it goes: nodes left as views of a document
/// materialize on first use, which made deep documents slow to walk and to copy, and a document beside the nodes
/// doubled the memory a large definition takes.
/// </remarks>
internal static class JsonText
{
    private static readonly JsonReaderOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = DefinitionLimits.MaxDocumentDepth,
    };

    /// <summary>
    /// Options every container is made with (the defaults, given explicitly): a node without its own asks its parent for
    /// them, up to the root, whenever a child is added, so a document a thousand deep cost its size times its depth.
    /// </summary>
    internal static readonly JsonNodeOptions NodeOptions = new();

    // One open object or array. Frames are reused per depth, and paths are built only for an error.
    private sealed class Frame
    {
        public JsonNode Node = null!;
        public int Index;
        public string? PendingKey;

        public bool IsArray => Node is JsonArray;

        public Frame Reset(JsonNode node)
        {
            Node = node;
            Index = -1;
            PendingKey = null;
            return this;
        }
    }

    // Keys up to this many bytes are shared (see Key).
    private const int SharedKeyBytes = 64;

    /// <summary>Parses <paramref name="json"/>; a definition (<paramref name="definition"/>) may hold at most <see cref="DefinitionLimits.MaxDocumentValues"/> values.</summary>
    public static JsonNode? Parse(string json, out ValidationError? error, bool definition = false)
    {
        var maxValues = definition ? DefinitionLimits.MaxDocumentValues : long.MaxValue;
        var values = 0L;
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, Options);
        var keys = new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> keyChars = stackalloc char[SharedKeyBytes];
        var longStrings = new LongStrings();
        var frames = new List<Frame>();
        var depth = 0;
        JsonNode? root = null;
        error = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray) && ++values > maxValues)
                {
                    var (line, column) = Position(bytes, (int)reader.TokenStartIndex);
                    Advance(frames, depth);
                    error = new ValidationError(PathOf(frames, depth).ToString(), DefinitionLimits.TooManyValues($"line {line}, column {column}"));
                    return null;
                }
                JsonNode? value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = frames[depth - 1];
                        var key = Key(ref reader, keys, keyChars) ?? longStrings.Read(ref reader) ?? Text(ref reader, bytes, frames, depth - 1, out error);
                        if (error is not null) return null;
                        if (((JsonObject)frame.Node).ContainsKey(key!))
                        {
                            var (line, column) = Position(bytes, (int)reader.TokenStartIndex);
                            error = new ValidationError(PathOf(frames, depth - 1).Property(key!).ToString(),
                                $"duplicate key '{key}' at line {line}, column {column}; a key may appear only once in an object");
                            return null;
                        }
                        frame.PendingKey = key;
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(frames, depth);
                        if (depth == frames.Count) frames.Add(new Frame());
                        frames[depth++].Reset(reader.TokenType == JsonTokenType.StartObject ? new JsonObject(NodeOptions) : new JsonArray(NodeOptions));
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        // A container joins its parent once complete: adding a node checks every node above it for a
                        // cycle, and an open parent is not yet attached above, so that check stays one step at any depth.
                        depth--;
                        Add(frames, depth, ref root, frames[depth].Node);
                        continue;
                    case JsonTokenType.String:
                        Advance(frames, depth);
                        var text = longStrings.Read(ref reader) ?? Text(ref reader, bytes, frames, depth, out error);
                        if (error is not null) return null;
                        Add(frames, depth, ref root, JsonValue.Create(text));
                        continue;
                    case JsonTokenType.Number:
                        // A view of its own text keeps the number exact and lets readers take it as any numeric type.
                        value = JsonValue.Create(JsonElement.ParseValue(ref reader));
                        break;
                    case JsonTokenType.True:
                        value = JsonValue.Create(true);
                        break;
                    case JsonTokenType.False:
                        value = JsonValue.Create(false);
                        break;
                    default:
                        value = null;
                        break;
                }
                Advance(frames, depth);
                Add(frames, depth, ref root, value);
            }
            return root;
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            error = new ValidationError(PathOf(frames, Math.Max(0, depth - 1)).ToString(),
                $"malformed JSON at line {line}, column {column}: {Reason(e.Message)}");
            return null;
        }
    }

    /// <summary>
    /// A short key without escapes as one string per distinct key: the same few keys repeat in every step, and a
    /// string per occurrence was a third of the strings of a large definition. Null for other keys.
    /// </summary>
    private static string? Key(ref Utf8JsonReader reader, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> keys, scoped Span<char> chars)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > chars.Length) return null;
        // The reader has checked the UTF-8, and a key of n bytes has at most n characters.
        var text = chars[..Encoding.UTF8.GetChars(reader.ValueSpan, chars)];
        if (keys.TryGetValue(text, out var key)) return key;
        key = text.ToString();
        keys.Set.Add(key);
        return key;
    }

    // A value read goes into the innermost open container (under its pending key), or is the document.
    private static void Add(List<Frame> frames, int depth, ref JsonNode? root, JsonNode? value)
    {
        if (depth == 0) root = value;
        else if (frames[depth - 1].Node is JsonObject obj) obj.Add(frames[depth - 1].PendingKey!, value);
        else ((JsonArray)frames[depth - 1].Node).Add(value);
    }

    // A value is about to be read inside the innermost open array: it is the next element.
    private static void Advance(List<Frame> frames, int depth)
    {
        if (depth > 0 && frames[depth - 1].IsArray) frames[depth - 1].Index++;
    }

    /// <summary>The path of the value at the current position of the first <paramref name="count"/> frames.</summary>
    private static JsonPath PathOf(List<Frame> frames, int count)
    {
        var path = JsonPath.Root;
        for (var i = 0; i < count; i++)
            path = frames[i].IsArray ? path.Index(frames[i].Index) : path.Property(frames[i].PendingKey ?? "");
        return path;
    }

    // An escape such as a lone "\ud800" is valid JSON syntax but no text: .NET strings cannot hold it, so reading it throws.
    private static string? Text(ref Utf8JsonReader reader, byte[] bytes, List<Frame> frames, int count, out ValidationError? error)
    {
        error = null;
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException e)
        {
            var (line, column) = Position(bytes, (int)reader.TokenStartIndex);
            error = new ValidationError(PathOf(frames, count).ToString(), $"the string at line {line}, column {column} has an escape that is not text ({Reason(e.Message)}); " +
                "a \\uD800-\\uDFFF escape must be half of a surrogate pair, e.g. \\ud83d\\ude00");
            return null;
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
