using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlmSpell.Llm.Http;

/// <summary>Reads newline-delimited JSON; a line that is not JSON is a protocol error, a half line at the end a truncation.</summary>
internal static class NdjsonReader
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(Stream stream, JsonTypeInfo<T> type, LlmEndpoint endpoint, string? model, string expected,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: false);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            T? item;
            try
            {
                item = JsonSerializer.Deserialize(line, type);
            }
            catch (JsonException ex)
            {
                // A half-written last line means the connection closed mid-answer; anywhere else the server sent garbage.
                if (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is null)
                    throw endpoint.Truncated(model, lineNumber - 1, expected, ex);
                throw endpoint.Malformed(model, $"line {lineNumber} is not valid JSON ({ex.Message}): {ErrorBody.Shorten(line)}", ex);
            }
            yield return item ?? throw endpoint.Malformed(model, $"line {lineNumber} is JSON null");
        }
    }
}
