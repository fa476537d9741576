using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools;

/// <summary>
/// The app's tools by name and alias; a fluent builder (<see cref="AddTool(ITool, string[])"/>) that rejects a name or
/// alias already taken. Reads are lock-free snapshots, so tools may be added while workflows run.
/// </summary>
public sealed class ToolRegistry : IToolRegistry
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, Entry> _byName = ImmutableDictionary.Create<string, Entry>(StringComparer.OrdinalIgnoreCase);
    private ImmutableList<ITool> _tools = [];

    private sealed record Entry(ITool Tool, bool IsAlias);

    public ToolRegistry(IEnumerable<ITool>? tools = null)
    {
        foreach (var tool in tools ?? []) AddTool(tool);
    }

    /// <summary>Adds a tool (with the aliases it declares); a name or alias already taken is an error.</summary>
    public ToolRegistry Register(ITool tool) => AddTool(tool);

    /// <summary>Adds a tool under its name, the aliases it declares and <paramref name="aliases"/>; a name or alias already taken is an error.</summary>
    public ToolRegistry AddTool(ITool tool, params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ToolNames.EnsureValid(tool.Name, tool.Name, "name");
        ToolNames.EnsureValidDescription(tool.Name, tool.Description);
        _ = ToolSchemas.For(tool); // an unusable schema fails here, at registration, not at the first call
        var all = tool.Aliases.Concat(aliases).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        foreach (var alias in all) ToolNames.EnsureValid(tool.Name, alias, "alias");

        lock (_gate)
        {
            var names = _byName.ToBuilder();
            Claim(names, tool.Name, new Entry(tool, IsAlias: false));
            foreach (var alias in all) Claim(names, alias, new Entry(tool, IsAlias: true));
            _byName = names.ToImmutable();
            _tools = _tools.Add(tool);
        }
        return this;
    }

    /// <summary>Adds a tool made of a function (see <see cref="DelegateTool"/>).</summary>
    public ToolRegistry AddTool(
        string name,
        string description,
        JsonObject parametersSchema,
        Func<ToolArguments, ToolContext, CancellationToken, Task<JsonNode?>> invoke,
        JsonObject? outputSchema = null,
        params string[] aliases) =>
        AddTool(new DelegateTool(name, description, parametersSchema, invoke, outputSchema), aliases);

    /// <summary>Lets a registered tool answer to another name as well.</summary>
    public ToolRegistry AddAlias(string toolName, string alias)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(toolName, out var entry) || entry.IsAlias)
                throw new ToolRegistrationException(toolName, $"Cannot add the alias '{alias}': no tool is named '{toolName}'. Registered: {string.Join(", ", SortedNames())}.");
            ToolNames.EnsureValid(toolName, alias, "alias");
            var names = _byName.ToBuilder();
            Claim(names, alias, new Entry(entry.Tool, IsAlias: true));
            _byName = names.ToImmutable();
        }
        return this;
    }

    /// <summary>
    /// Removes a tool with its aliases (a script's tools end with the script); false when no tool has that name.
    /// Steps already running it finish; later lookups do not find it.
    /// </summary>
    public bool Remove(string toolName)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(toolName, out var entry) || entry.IsAlias) return false;
            var names = _byName.ToBuilder();
            foreach (var (name, e) in _byName)
                if (ReferenceEquals(e.Tool, entry.Tool)) names.Remove(name);
            _byName = names.ToImmutable();
            _tools = _tools.Remove(entry.Tool);
            return true;
        }
    }

    public ITool? Find(string name) => _byName.TryGetValue(name, out var entry) ? entry.Tool : null;

    /// <summary>The tools in the order they were registered.</summary>
    public IReadOnlyCollection<ITool> All => _tools;

    /// <summary>The aliases a registered tool answers to (empty for an unknown name).</summary>
    public IReadOnlyList<string> AliasesOf(string toolName) =>
        _byName.Where(p => p.Value.IsAlias && string.Equals(p.Value.Tool.Name, toolName, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();

    private IEnumerable<string> SortedNames() => _tools.Select(t => t.Name).Order(StringComparer.Ordinal);

    private static void Claim(ImmutableDictionary<string, Entry>.Builder names, string name, Entry entry)
    {
        if (names.TryGetValue(name, out var taken))
        {
            var how = taken.IsAlias ? $"an alias of the tool '{taken.Tool.Name}'" : "the name of a registered tool";
            throw new ToolRegistrationException(entry.Tool.Name,
                $"Cannot register '{name}' for the tool '{entry.Tool.Name}': it is already {how}. Tool names and aliases must be unique (case-insensitively); pick another.");
        }
        names[name] = entry;
    }
}
