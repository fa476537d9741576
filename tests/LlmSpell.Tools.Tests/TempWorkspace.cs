using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Tools.Tests;

/// <summary>A fresh directory per test, deleted afterwards, with a <see cref="ToolContext"/> rooted in it.</summary>
public sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "llmspell-tools-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Context = new ToolContext("run-1", "step-1", Root, NullLogger.Instance);
    }

    public string Root { get; }

    public ToolContext Context { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var full = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
