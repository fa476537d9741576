namespace LlmSpell.Workflows.Agents;

/// <summary>A named agent from configuration: what an <c>agent_id</c> in a step refers to.</summary>
public sealed record AgentProfile
{
    public required string Id { get; init; }
    public string? Model { get; init; }
    public string? SystemPrompt { get; init; }
    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }
}
