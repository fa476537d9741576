namespace LlmSpell.Tools.Sandbox;

/// <summary>
/// The directory a tool is confined to. Paths are relative to it; absolute paths are refused, and a path is allowed only
/// when both its lexical form and its real form (every symlink on the way followed, as the OS would) stay inside.
/// </summary>
/// <remarks>
/// The check and the later file operation are two steps, so a process that swaps a directory for a symlink in between
/// could still win a race; tools never create symlinks, so only something else writing into the workspace could.
/// </remarks>
public sealed class Workspace
{
    private const int MaxLinkHops = 40; // as Linux's ELOOP limit

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _toolName;

    public Workspace(string toolName, string root)
    {
        _toolName = toolName;
        if (string.IsNullOrWhiteSpace(root))
            throw new ToolExecutionException(toolName, "no workspace directory is configured; set ToolsOptions.WorkspaceDirectory or the run's workspace.");
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new ToolExecutionException(toolName, $"the workspace directory '{full}' does not exist; create it or configure another one.");
        Root = RealPath(full);
    }

    /// <summary>The workspace's real (symlink-free) absolute path.</summary>
    public string Root { get; }

    /// <summary>The real absolute path of <paramref name="relativePath"/>, or <see cref="ToolAccessDeniedException"/> when it leads outside.</summary>
    public string Resolve(string relativePath)
    {
        var path = relativePath.Trim();
        if (path.Contains('\0')) throw Denied(relativePath, "the path contains a NUL character.");
        if (Path.IsPathRooted(path) || path.StartsWith('/') || path.StartsWith('\\'))
            throw Denied(relativePath, "absolute paths are not allowed; use a path relative to the workspace (e.g. 'data/input.txt').");

        var lexical = Path.GetFullPath(Path.Combine(Root, path));
        if (!IsInside(lexical)) throw Denied(relativePath, "the path leads outside the workspace (through '..'); stay inside the workspace.");

        var real = RealPath(lexical);
        if (!IsInside(real)) throw Denied(relativePath, "the path leads outside the workspace through a symbolic link; links may only point inside the workspace.");
        return real;
    }

    /// <summary>A path inside the workspace as the workspace-relative form tools report ('/' separators, "." for the root).</summary>
    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    /// <summary>True when <paramref name="fullPath"/> is the root or below it.</summary>
    public bool IsInside(string fullPath) =>
        string.Equals(fullPath, Root, PathComparison)
        || fullPath.StartsWith(Root.EndsWith(Path.DirectorySeparatorChar) ? Root : Root + Path.DirectorySeparatorChar, PathComparison);

    private ToolAccessDeniedException Denied(string path, string why) => new(_toolName, path, why);

    /// <summary>The path with every symlink resolved, component by component, and '..' applied to real directories (as the OS does).</summary>
    private string RealPath(string absolute)
    {
        var current = Path.GetPathRoot(absolute)!;
        var pending = new LinkedList<string>(Segments(absolute));
        var hops = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var segment = node.Value;
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, segment);
            var target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
                throw Denied(absolute, $"too many levels of symbolic links (more than {MaxLinkHops}).");
            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            current = Path.GetPathRoot(resolved)!;
            foreach (var part in Segments(resolved).Reverse()) pending.AddFirst(part);
        }
        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Segments(string absolute)
    {
        var root = Path.GetPathRoot(absolute) ?? "";
        return absolute[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
    }
}
