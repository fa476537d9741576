using System.Text.Json.Nodes;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Templates.Reporting;

/// <summary>One step's result as reports show it: what ran, where, for how long, at what cost, and what came out.</summary>
public sealed record StepRecord
{
    /// <summary>1-based position in the report.</summary>
    public required int Number { get; init; }

    public required StepResult Result { get; init; }
    public string? Description { get; init; }

    /// <summary>Agent steps: the agent that ran it (<c>workflow-agent-N</c> or a configured agent).</summary>
    public string? Agent { get; init; }

    public string Name => Result.Name;

    /// <summary>Where in the workflow the step ran ("branch-1", "iteration 2", "check › style"); empty at the top level.</summary>
    public string Where => Locate(Result.Key, Result.Name);

    /// <summary>Whether the step ran (completed or failed), as opposed to being skipped or cancelled before it ended.</summary>
    public bool Ran => Result.Status is StepStatus.Completed or StepStatus.Failed;

    public static string KindName(StepKind kind) => kind switch
    {
        StepKind.Agent => "agent",
        StepKind.Tool => "tool",
        StepKind.Workflow => "workflow",
        _ => "wait",
    };

    /// <summary>Orders results for a report: by <paramref name="order"/> when given (parallel and conditional runs finish out of order), and numbers them.</summary>
    public static IReadOnlyList<StepRecord> From(IReadOnlyList<StepResult> results, IReadOnlyList<string>? order,
        IReadOnlyDictionary<string, string>? descriptions, IReadOnlyDictionary<string, string>? agents)
    {
        IEnumerable<StepResult> ordered = results;
        if (order is not null)
        {
            var rank = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < order.Count; i++) rank.TryAdd(order[i], i);
            // Stable: ties keep their order. Steps the definition does not list (a conditional's classifier) ran first.
            ordered = results.OrderBy(r => rank.GetValueOrDefault(r.Name, -1));
        }
        return ordered.Select((r, i) => new StepRecord
        {
            Number = i + 1,
            Result = r,
            Description = descriptions?.GetValueOrDefault(r.Name),
            Agent = r.Kind == StepKind.Agent ? agents?.GetValueOrDefault(r.Name) : null,
        }).ToArray();
    }

    /// <summary>
    /// The entry of <c>intermediate_results.json</c>; the step's output goes in as <paramref name="embed"/> makes it (default: a copy,
    /// since a JSON node has one parent).
    /// </summary>
    public JsonObject ToJson(Func<JsonNode, JsonNode>? embed = null)
    {
        var r = Result;
        var json = new JsonObject
        {
            ["step"] = Number,
            ["name"] = r.Name,
            ["key"] = r.Key,
            ["type"] = KindName(r.Kind),
            ["status"] = StatusNames.Of(r.Status),
            ["description"] = Description,
            ["attempts"] = r.Attempts,
            ["duration_ms"] = (long)r.Duration.TotalMilliseconds,
        };
        if (r.Kind == StepKind.Agent)
        {
            json["agent"] = Agent;
            json["model"] = r.Model;
            json["tokens"] = r.Usage is { } u ? Tokens(u) : null;
            json["cost_usd"] = r.CostUsd;
        }
        if (r.Kind == StepKind.Tool) json["tool"] = r.Tool;
        json["output"] = r.Output is { } output ? (embed is null ? output.DeepClone() : embed(output)) : null;
        json["error"] = r.Error;
        return json;
    }

    private static JsonObject Tokens(AgentUsage usage) => new()
    {
        ["input"] = usage.InputTokens,
        ["output"] = usage.OutputTokens,
        ["total"] = usage.TotalTokens,
    };

    private static string Locate(string key, string name)
    {
        var segments = key.Split('/');
        if (segments.Length <= 1) return "";
        return string.Join(" › ", segments[..^1].Select(s =>
            s.Length > 2 && s[0] == '[' && s[^1] == ']' && long.TryParse(s[1..^1], out var i) ? $"iteration {i + 1}" : s));
    }
}
