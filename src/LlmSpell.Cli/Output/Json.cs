using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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

    private static readonly JsonWriterOptions PrettyWriter = new()
    {
        Indented = true,
        Encoder = Pretty.Encoder,
        MaxDepth = Pretty.MaxDepth,
    };

    public static string Format(JsonNode? node) => node?.ToJsonString(Pretty) ?? "null";

    /// <summary>
    /// Prints <paramref name="node"/> and a newline to stdout as <see cref="Format"/> would, streamed in small pieces: a large
    /// result (tens of thousands of steps, deeply nested) never exists as one string, which took gigabytes.
    /// </summary>
    public static void Print(JsonNode? node) => Print(node, Console.Out);

    /// <summary><see cref="Print(JsonNode?)"/> onto <paramref name="output"/>.</summary>
    internal static void Print(JsonNode? node, TextWriter output)
    {
        using (var stream = new TextWriterStream(output))
        using (var writer = new Utf8JsonWriter(stream, PrettyWriter))
            Write(writer, node);
        output.WriteLine();
        output.Flush();
    }

    /// <summary>
    /// <paramref name="node"/> placed into another document without a copy (a JSON node has one parent): written as itself, it stays
    /// where it is. For a document that is printed and dropped, while <paramref name="node"/> is not changed.
    /// </summary>
    [return: NotNullIfNotNull(nameof(node))]
    public static JsonNode? Borrow(JsonNode? node) => node is null ? null : JsonValue.Create(new Borrowed(node), BorrowedInfo);

    [JsonConverter(typeof(BorrowedConverter))]
    private sealed record Borrowed(JsonNode Node);

    private sealed class BorrowedConverter : JsonConverter<Borrowed>
    {
        public override Borrowed Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A borrowed JSON node is only written.");

        public override void Write(Utf8JsonWriter writer, Borrowed value, JsonSerializerOptions options) => value.Node.WriteTo(writer, options);
    }

    private static JsonTypeInfo<Borrowed> BorrowedInfo =>
        field ??= (JsonTypeInfo<Borrowed>)new JsonSerializerOptions(Pretty) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() }.GetTypeInfo(typeof(Borrowed));

    // JsonNode.WriteTo buffers the whole document in the writer; this hands it on whenever a piece is ready.
    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue(out Borrowed? borrowed):
                Write(writer, borrowed.Node);
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj)
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer, Pretty);
                break;
        }
        if (writer.BytesPending >= FlushAt) writer.Flush();
    }

    private const int FlushAt = 64 * 1024;

    /// <summary>UTF-8 bytes decoded onto a text writer as they come (Console.Out, or what a test set it to).</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        private char[] _chars = [];

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            // UTF-8 never decodes to more chars than bytes, plus one for a sequence left over from the last piece.
            if (_chars.Length <= buffer.Length) _chars = new char[Math.Max(buffer.Length + 1, 4096)];
            var written = _decoder.GetChars(buffer, _chars, flush: false);
            writer.Write(_chars, 0, written);
        }

        public override void Flush() => writer.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
