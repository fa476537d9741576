using LlmSpell.Workflows.Agents;

namespace LlmSpell.Cluster.Tests.Support;

/// <summary>The agent executor of engines that run tool steps only, or only read runs.</summary>
public sealed class NoAgents : IAgentExecutor
{
    public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("this engine runs tool steps only");
}
