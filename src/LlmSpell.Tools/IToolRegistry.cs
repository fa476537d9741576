namespace LlmSpell.Tools;

/// <summary>The tools available to workflows, by name.</summary>
public interface IToolRegistry
{
    /// <summary>The tool called <paramref name="name"/> (or one of its aliases), or null.</summary>
    ITool? Find(string name);

    IReadOnlyCollection<ITool> All { get; }
}

/// <summary>A registry over a fixed set of tools.</summary>
public sealed class ToolRegistry : IToolRegistry
{
    private readonly Dictionary<string, ITool> _tools = new(StringComparer.OrdinalIgnoreCase);

    public ToolRegistry(IEnumerable<ITool>? tools = null)
    {
        foreach (var tool in tools ?? []) Register(tool);
    }

    /// <summary>Adds a tool; a second tool with the same name is an error.</summary>
    public ToolRegistry Register(ITool tool)
    {
        if (!_tools.TryAdd(tool.Name, tool))
            throw new ArgumentException($"A tool named '{tool.Name}' is already registered; tool names must be unique.", nameof(tool));
        return this;
    }

    public ITool? Find(string name) => _tools.GetValueOrDefault(name);

    public IReadOnlyCollection<ITool> All => _tools.Values;
}
