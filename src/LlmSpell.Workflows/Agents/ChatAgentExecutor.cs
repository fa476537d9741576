using System.Text;
using LlmSpell.Llm;
using LlmSpell.Llm.Pricing;
using Microsoft.Extensions.AI;

namespace LlmSpell.Workflows.Agents;

/// <summary>
/// Runs agent steps on any <see cref="IChatClient"/>: builds the messages (system prompt, earlier
/// outputs as context, the rendered input), streams the answer and reports usage and its cost.
/// </summary>
public sealed class ChatAgentExecutor : IAgentExecutor
{
    private readonly IChatClientProvider _clients;
    private readonly IReadOnlyDictionary<string, AgentProfile> _agents;
    private readonly string _defaultModel;
    private readonly CostCalculator _costs;

    /// <param name="clients">Resolves each step's model to a chat client.</param>
    /// <param name="defaultModel">The model of steps and agents that name none, e.g. <c>ollama/llama3.2:3b</c>.</param>
    /// <param name="agents">Named agents that steps refer to by <c>agent_id</c>.</param>
    /// <param name="prices">Prices the answers' token usage; null: <see cref="PriceTable.Default"/> (local models cost nothing).</param>
    public ChatAgentExecutor(IChatClientProvider clients, string defaultModel, IEnumerable<AgentProfile>? agents = null, PriceTable? prices = null)
    {
        _clients = clients;
        _defaultModel = defaultModel;
        _agents = (agents ?? []).ToDictionary(a => a.Id, StringComparer.Ordinal);
        _costs = new CostCalculator(prices ?? PriceTable.Default);
    }

    public async Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        AgentProfile? profile = null;
        if (request.AgentId is { } id && !_agents.TryGetValue(id, out profile) && request.Model is null)
            throw new InvalidOperationException(
                $"Step '{request.StepName}' uses agent '{id}', which is not configured (configured agents: {(_agents.Count == 0 ? "none" : string.Join(", ", _agents.Keys))}). Add it to the agents configuration or give the step a model.");
        var model = ModelSpec.Parse(request.Model ?? profile?.Model ?? _defaultModel);
        var client = _clients.GetClient(model);

        var messages = new List<ChatMessage>();
        if ((request.SystemPrompt ?? profile?.SystemPrompt) is { } system) messages.Add(new ChatMessage(ChatRole.System, system));
        if (request.Context.Count > 0)
        {
            var context = new StringBuilder("Results of earlier steps:\n");
            foreach (var (name, earlier) in request.Context) context.Append("## ").Append(name).Append('\n').Append(earlier).Append('\n');
            messages.Add(new ChatMessage(ChatRole.User, context.ToString()));
        }
        messages.Add(new ChatMessage(ChatRole.User, request.Input));
        var options = new ChatOptions
        {
            ModelId = model.Model,
            Temperature = (float?)(request.Temperature ?? profile?.Temperature),
            MaxOutputTokens = request.MaxTokens ?? profile?.MaxTokens,
        };

        var text = new StringBuilder();
        long input = 0, output = 0;
        string? responseModel = null;
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.Text is { Length: > 0 } chunk)
            {
                text.Append(chunk);
                progress?.Report(chunk);
            }
            responseModel ??= update.ModelId;
            foreach (var content in update.Contents)
            {
                if (content is UsageContent usage)
                {
                    input += usage.Details.InputTokenCount ?? 0;
                    output += usage.Details.OutputTokenCount ?? 0;
                }
            }
        }
        var answered = new ModelSpec(model.Provider, responseModel ?? model.Model);
        return new AgentResult(text.ToString(), answered.ToString(), new AgentUsage(input, output), _costs.CostUsd(answered, input, output));
    }
}
