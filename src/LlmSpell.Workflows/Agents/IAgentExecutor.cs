namespace LlmSpell.Workflows.Agents;

/// <summary>Runs one agent call for a workflow step; the engine's only view of LLMs.</summary>
public interface IAgentExecutor
{
    /// <summary>
    /// Calls the model; <paramref name="progress"/> receives streamed text as it arrives.
    /// Must honour <paramref name="cancellationToken"/> (step timeouts and cancels reach the call through it).
    /// </summary>
    Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// What a step with this agent and model would wait for, e.g. <c>ollama/llama3.2:3b at 127.0.0.1:11434</c>, for
    /// messages such as a step timeout's; null when unknown.
    /// </summary>
    string? Describe(string? agentId, string? model) => null;
}

/// <summary>What an agent step asks for.</summary>
public sealed record AgentRequest
{
    public required string RunId { get; init; }
    public required string StepName { get; init; }
    public required string Input { get; init; }
    public string? AgentId { get; init; }
    public string? Model { get; init; }
    public string? SystemPrompt { get; init; }
    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }

    /// <summary>Earlier steps' outputs given to the model as context (name → text), when the step asks for them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Context { get; init; } = [];
}

/// <summary>Token counts of one call.</summary>
public sealed record AgentUsage(long InputTokens, long OutputTokens)
{
    public static readonly AgentUsage None = new(0, 0);
    public long TotalTokens => InputTokens + OutputTokens;
}

/// <summary>The answer of an agent call.</summary>
public sealed record AgentResult(string Text, string Model, AgentUsage Usage, decimal CostUsd = 0m);
