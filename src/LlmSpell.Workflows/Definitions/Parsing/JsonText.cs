using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Parses JSON text into a node, or says where it is malformed (line and column, 1-based). Comments and
/// trailing commas are allowed: definitions are written by hand.
/// </summary>
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
        // JsonNode.Parse accepts duplicate keys and fails only later, without a position; a reader
        // pass first finds them (and any syntax error) with line and column.
        error = Scan(json);
        if (error is not null) return null;
        return JsonNode.Parse(json, documentOptions: Options);
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public string? PendingKey { get; set; }
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
        var stack = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = stack.Peek();
                        if (Unreadable(ref reader, bytes, frame.Path) is { } badKey) return badKey;
                        var key = reader.GetString()!;
                        if (!frame.Keys.Add(key))
                        {
                            var (line, column) = Position(bytes, (int)reader.TokenStartIndex);
                            return new ValidationError(JsonPaths.Property(frame.Path, key),
                                $"duplicate key '{key}' at line {line}, column {column}; a key may appear only once in an object");
                        }
                        frame.PendingKey = key;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        stack.Push(new Frame(ValuePath(stack), reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    case JsonTokenType.String:
                        if (Unreadable(ref reader, bytes, ValuePath(stack)) is { } badString) return badString;
                        break;
                    default:
                        ValuePath(stack);
                        break;
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            return new ValidationError(stack.Count > 0 ? stack.Peek().Path : JsonPaths.Root,
                $"malformed JSON at line {line}, column {column}: {Reason(e.Message)}");
        }
    }

    // An escape such as a lone "\ud800" is valid JSON syntax but no text: .NET strings cannot hold it, so reading it throws.
    private static ValidationError? Unreadable(ref Utf8JsonReader reader, byte[] bytes, string path)
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
            return new ValidationError(path, $"the string at line {line}, column {column} has an escape that is not text ({Reason(e.Message)}); " +
                "a \\uD800-\\uDFFF escape must be half of a surrogate pair, e.g. \\ud83d\\ude00");
        }
    }

    // The path of the value about to be read, advancing the enclosing array's index.
    private static string ValuePath(Stack<Frame> stack)
    {
        if (stack.Count == 0) return JsonPaths.Root;
        var parent = stack.Peek();
        if (parent.IsArray)
        {
            parent.Index++;
            return JsonPaths.Index(parent.Path, parent.Index);
        }
        return JsonPaths.Property(parent.Path, parent.PendingKey ?? "");
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
