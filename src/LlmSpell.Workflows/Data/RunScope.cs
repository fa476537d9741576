using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Data;

/// <summary>
/// The data a step can see: the input, completed steps' outputs, state, and the enclosing loop
/// iteration and branch. Immutable: a coordinator replaces its scope as steps complete, and a child
/// coordinator starts from a snapshot of its parent's, so no two threads ever share a mutable one.
/// Outputs are never handed out without a deep clone (a JsonNode can have only one parent).
/// </summary>
public sealed record RunScope
{
    public static readonly RunScope Empty = new();

    public JsonNode? Input { get; init; }

    /// <summary>Outputs of completed steps by name (also visible as <c>state.NAME</c>).</summary>
    public ImmutableDictionary<string, JsonNode?> Outputs { get; init; } = ImmutableDictionary<string, JsonNode?>.Empty;

    /// <summary>Other state (initial state, loop results by loop name).</summary>
    public ImmutableDictionary<string, JsonNode?> State { get; init; } = ImmutableDictionary<string, JsonNode?>.Empty;

    public JsonNode? LoopItem { get; init; }
    public long? LoopIndex { get; init; }
    public string? BranchName { get; init; }

    public RunScope WithOutput(string step, JsonNode? output) => this with { Outputs = Outputs.SetItem(step, output) };

    public RunScope WithState(string key, JsonNode? value) => this with { State = State.SetItem(key, value) };

    /// <summary>Adds the outputs a child coordinator produced (its steps become visible to later steps).</summary>
    public RunScope MergeOutputs(IReadOnlyDictionary<string, JsonNode?> outputs) =>
        this with { Outputs = Outputs.SetItems(outputs) };

    /// <summary>Adds the state a child coordinator produced (e.g. a nested loop's result under the loop's name).</summary>
    public RunScope MergeState(IReadOnlyDictionary<string, JsonNode?> state) =>
        this with { State = State.SetItems(state) };

    /// <summary>Resolves a reference; a deep clone of the value, or an exception naming the reference and what was missing.</summary>
    public JsonNode? Resolve(DataPath path)
    {
        JsonNode? value;
        switch (path.Root)
        {
            case DataRoot.Input:
                value = Input;
                break;
            case DataRoot.Steps:
                if (!Outputs.TryGetValue(path.Key!, out value))
                    throw new TemplateReferenceException(path, $"step '{path.Key}' has not produced an output (it has not run yet, or it failed or was skipped)");
                break;
            case DataRoot.State:
                if (!State.TryGetValue(path.Key!, out value) && !Outputs.TryGetValue(path.Key!, out value))
                    throw new TemplateReferenceException(path, $"state has no key '{path.Key}'");
                break;
            case DataRoot.Loop:
                if (LoopIndex is null) throw new TemplateReferenceException(path, "it is not inside a loop");
                value = path.Key == "index" ? JsonValue.Create(LoopIndex.Value) : LoopItem;
                break;
            default:
                if (BranchName is null) throw new TemplateReferenceException(path, "it is not inside a branch");
                value = JsonValue.Create(BranchName);
                break;
        }
        foreach (var segment in path.Segments)
        {
            value = segment switch
            {
                string name when value is JsonObject obj => obj.TryGetPropertyValue(name, out var child)
                    ? child
                    : throw new TemplateReferenceException(path, $"there is no property '{name}' (properties: {string.Join(", ", obj.Select(p => p.Key))})"),
                int index when value is JsonArray array => index < array.Count
                    ? array[index]
                    : throw new TemplateReferenceException(path, $"index {index} is out of range (the array has {array.Count} elements)"),
                string name => throw new TemplateReferenceException(path, $"'{name}' cannot be read from a {Kind(value)}"),
                _ => throw new TemplateReferenceException(path, $"[{segment}] cannot be read from a {Kind(value)}"),
            };
        }
        return value?.DeepClone();
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null value",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.TryGetValue<string>(out _) => "string (the output is text, not JSON)",
        _ => "value",
    };
}

/// <summary>A reference that does not resolve at run time; the step using it fails with this message.</summary>
public sealed class TemplateReferenceException(DataPath path, string reason)
    : Exception($"Reference {{{{{path}}}}} cannot be resolved: {reason}.")
{
    public DataPath Path { get; } = path;
}
