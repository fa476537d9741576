using System.Text;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Files;

/// <summary><c>file-read</c>: reads a file inside the workspace as UTF-8 text or base64, up to <see cref="ToolsOptions.MaxFileBytes"/>.</summary>
public sealed class FileReadTool(ToolsOptions options) : WorkspaceTool(
    "file-read",
    "Reads a file inside the workspace, as UTF-8 text or base64.",
    """
    {
      "type": "object",
      "properties": {
        "path": { "type": "string", "minLength": 1, "description": "Path relative to the workspace." },
        "encoding": { "type": "string", "enum": ["text", "base64"], "default": "text", "description": "text: UTF-8; base64: any bytes." }
      },
      "required": ["path"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "path": { "type": "string" },
        "content": { "type": "string" },
        "encoding": { "type": "string" },
        "bytes": { "type": "integer" }
      },
      "required": ["path", "content", "encoding", "bytes"]
    }
    """,
    options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    protected override async Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceFor(context);
        var requested = arguments.String("path");
        var path = workspace.Resolve(requested);
        if (Directory.Exists(path)) throw new ToolExecutionException(Name, $"'{requested}' is a directory; use file-list to see what is in it.");
        if (!File.Exists(path)) throw new ToolExecutionException(Name, $"'{requested}' does not exist in the workspace.");

        var limit = Options.MaxFileBytes;
        var bytes = await ReadCappedAsync(path, requested, limit, cancellationToken).ConfigureAwait(false);
        var encoding = arguments.String("encoding");
        string content;
        if (encoding == "base64")
        {
            content = Convert.ToBase64String(bytes);
        }
        else
        {
            try
            {
                content = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new ToolExecutionException(Name, $"'{requested}' is not UTF-8 text; read it with \"encoding\": \"base64\".");
            }
        }
        return new JsonObject
        {
            ["path"] = workspace.Relative(path),
            ["content"] = content,
            ["encoding"] = encoding,
            ["bytes"] = bytes.Length,
        };
    }

    private async Task<byte[]> ReadCappedAsync(string path, string requested, long limit, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, useAsync: true);
        if (stream.Length > limit) throw TooLarge(requested, stream.Length, limit);

        // The length can change after the check; reading at most one byte past the limit catches a file that grew.
        var buffer = new byte[Math.Min(stream.Length, limit) + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            total += read;
        if (total > limit) throw TooLarge(requested, total, limit);
        return buffer.AsSpan(0, total).ToArray();
    }

    private ToolExecutionException TooLarge(string requested, long size, long limit) =>
        new(Name, $"'{requested}' is {size} bytes, more than the limit of {limit} bytes (ToolsOptions.MaxFileBytes).");
}
