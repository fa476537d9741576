namespace LlmSpell.Tools;

/// <summary>The tools available to workflows, by name or alias.</summary>
public interface IToolRegistry
{
    /// <summary>The tool called <paramref name="name"/> (or one of its aliases), or null. Names are case-insensitive.</summary>
    ITool? Find(string name);

    IReadOnlyCollection<ITool> All { get; }
}
