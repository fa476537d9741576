using System.IO.Enumeration;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Sandbox;

namespace LlmSpell.Tools.BuiltIn.Files;

/// <summary><c>file-list</c>: lists a directory inside the workspace, optionally recursively; never descends through symlinks.</summary>
public sealed class FileListTool(ToolsOptions options) : WorkspaceTool(
    "file-list",
    "Lists the files and directories of a directory inside the workspace.",
    """
    {
      "type": "object",
      "properties": {
        "path": { "type": "string", "default": ".", "description": "Directory relative to the workspace." },
        "recursive": { "type": "boolean", "default": false },
        "pattern": { "type": "string", "minLength": 1, "default": "*", "description": "File-name pattern with * and ?, e.g. *.json." }
      },
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "path": { "type": "string" },
        "entries": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "path": { "type": "string" },
              "type": { "type": "string", "enum": ["file", "directory", "symlink"] },
              "size": { "type": "integer" }
            },
            "required": ["path", "type"]
          }
        },
        "count": { "type": "integer" },
        "truncated": { "type": "boolean" }
      },
      "required": ["path", "entries", "count", "truncated"]
    }
    """,
    options)
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceFor(context);
        var requested = arguments.String("path");
        var directory = workspace.Resolve(requested);
        if (File.Exists(directory)) throw new ToolExecutionException(Name, $"'{requested}' is a file; use file-read to read it.");
        if (!Directory.Exists(directory)) throw new ToolExecutionException(Name, $"the directory '{requested}' does not exist in the workspace.");

        var entries = new JsonArray();
        var truncated = Walk(workspace, new DirectoryInfo(directory), arguments.String("pattern"), arguments.Boolean("recursive"), entries, cancellationToken);
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["path"] = workspace.Relative(directory),
            ["entries"] = entries,
            ["count"] = entries.Count,
            ["truncated"] = truncated,
        });
    }

    /// <summary>Depth-first, children in ordinal order; returns true when the result limit cut the listing.</summary>
    private bool Walk(Workspace workspace, DirectoryInfo directory, string pattern, bool recursive, JsonArray entries, CancellationToken cancellationToken)
    {
        IEnumerable<FileSystemInfo> children;
        try
        {
            children = directory.EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        foreach (var child in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var isLink = child.LinkTarget is not null;
            var isDirectory = !isLink && child is DirectoryInfo;
            if (FileSystemName.MatchesSimpleExpression(pattern, child.Name))
            {
                if (entries.Count >= Options.MaxResults) return true;
                var entry = new JsonObject
                {
                    ["path"] = workspace.Relative(child.FullName),
                    ["type"] = isLink ? "symlink" : isDirectory ? "directory" : "file",
                };
                if (!isLink && child is FileInfo file) entry["size"] = file.Length;
                entries.Add(entry);
            }
            // Symlinked directories are listed, never entered: their target may be outside the workspace.
            if (recursive && isDirectory && Walk(workspace, (DirectoryInfo)child, pattern, recursive, entries, cancellationToken)) return true;
        }
        return false;
    }
}
