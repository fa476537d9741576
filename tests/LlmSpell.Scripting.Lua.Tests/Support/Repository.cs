using System.Reflection;

namespace LlmSpell.Scripting.Lua.Tests.Support;

/// <summary>Where the repository is (for its example scripts and docs).</summary>
public static class Repository
{
    public static readonly string Root = Path.GetFullPath(
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);
}
