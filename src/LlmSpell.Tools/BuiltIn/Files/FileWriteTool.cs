using System.Text;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Files;

/// <summary><c>file-write</c>: writes a file inside the workspace (creating directories), up to <see cref="ToolsOptions.MaxFileBytes"/>.</summary>
public sealed class FileWriteTool(ToolsOptions options) : WorkspaceTool(
    "file-write",
    "Writes text or base64 bytes to a file inside the workspace, creating its directories.",
    """
    {
      "type": "object",
      "properties": {
        "path": { "type": "string", "minLength": 1, "description": "Path relative to the workspace." },
        "content": { "type": "string", "description": "What to write." },
        "encoding": { "type": "string", "enum": ["text", "base64"], "default": "text", "description": "text: written as UTF-8; base64: decoded to bytes." },
        "mode": { "type": "string", "enum": ["overwrite", "append", "create"], "default": "overwrite", "description": "create fails when the file exists." }
      },
      "required": ["path", "content"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "path": { "type": "string" },
        "bytes": { "type": "integer", "description": "Bytes written by this call." },
        "size": { "type": "integer", "description": "The file's size afterwards." },
        "created": { "type": "boolean" }
      },
      "required": ["path", "bytes", "size", "created"]
    }
    """,
    options)
{
    protected override async Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceFor(context);
        var requested = arguments.String("path");
        var path = workspace.Resolve(requested);
        if (Directory.Exists(path) || requested.EndsWith('/') || requested.EndsWith('\\'))
            throw new ToolExecutionException(Name, $"'{requested}' is a directory, not a file; give a file name.");

        var bytes = Decode(arguments);
        var mode = arguments.String("mode");
        var existed = File.Exists(path);
        if (mode == "create" && existed)
            throw new ToolExecutionException(Name, $"'{requested}' already exists and mode is 'create'; use mode 'overwrite' or 'append', or another path.");
        var size = bytes.LongLength + (mode == "append" && existed ? new FileInfo(path).Length : 0);
        if (size > Options.MaxFileBytes)
            throw new ToolExecutionException(Name, $"writing '{requested}' would make it {size} bytes, more than the limit of {Options.MaxFileBytes} bytes (ToolsOptions.MaxFileBytes).");

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fileMode = mode switch
        {
            "append" => FileMode.Append,
            "create" => FileMode.CreateNew,
            _ => FileMode.Create,
        };
        try
        {
            await using var stream = new FileStream(path, fileMode, FileAccess.Write, FileShare.None, 16 * 1024, useAsync: true);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (mode == "create" && File.Exists(path))
        {
            throw new ToolExecutionException(Name, $"'{requested}' already exists and mode is 'create'.", ex);
        }
        return new JsonObject
        {
            ["path"] = workspace.Relative(path),
            ["bytes"] = bytes.Length,
            ["size"] = new FileInfo(path).Length,
            ["created"] = !existed,
        };
    }

    private static byte[] Decode(ToolArguments arguments)
    {
        var content = arguments.String("content");
        if (arguments.String("encoding") == "text") return Encoding.UTF8.GetBytes(content);
        try
        {
            return Convert.FromBase64String(content);
        }
        catch (FormatException ex)
        {
            throw arguments.Invalid("content", "base64", "is not valid base64 (encoding is 'base64')", inner: ex);
        }
    }
}
