using System.Text;
using LlmSpell.Llm;
using LlmSpell.Llm.Pricing;
using Microsoft.Extensions.AI;

namespace LlmSpell.Workflows.Agents;

/// <summary>
/// Runs agent steps on any <see cref="IChatClient"/>: builds the messages (system prompt, earlier
/// outputs as context, the rendered input), streams the answer and reports usage and its cost, and
/// tells a progress that takes <see cref="AgentStalled"/> when the model server has been silent too long.
/// </summary>
public sealed class ChatAgentExecutor : IAgentExecutor
{
    /// <summary>Silence after which a call is reported as stalled, unless the executor or the endpoint sets another.</summary>
    public static readonly TimeSpan DefaultStallWarning = TimeSpan.FromSeconds(30);

    private readonly IChatClientProvider _clients;
    private readonly IReadOnlyDictionary<string, AgentProfile> _agents;
    private readonly string _defaultModel;
    private readonly CostCalculator _costs;
    private readonly TimeSpan _stallWarning;
    private readonly TimeProvider _time;

    /// <param name="clients">Resolves each step's model to a chat client.</param>
    /// <param name="defaultModel">The model of steps and agents that name none, e.g. <c>ollama/llama3.2:3b</c>.</param>
    /// <param name="agents">Named agents that steps refer to by <c>agent_id</c>.</param>
    /// <param name="prices">Prices the answers' token usage; null: <see cref="PriceTable.Default"/> (local models cost nothing).</param>
    /// <param name="stallWarning">
    /// Silence after which a call is reported stalled (<c>stall_warning_s</c>); an endpoint's own
    /// <see cref="LlmEndpointOptions.StallWarning"/> wins. Null: <see cref="DefaultStallWarning"/>; <see cref="Timeout.InfiniteTimeSpan"/>: never.
    /// </param>
    /// <param name="time">Clock of the stall warnings; null: the system's.</param>
    public ChatAgentExecutor(IChatClientProvider clients, string defaultModel, IEnumerable<AgentProfile>? agents = null, PriceTable? prices = null,
        TimeSpan? stallWarning = null, TimeProvider? time = null)
    {
        _clients = clients;
        _defaultModel = defaultModel;
        _agents = (agents ?? []).ToDictionary(a => a.Id, StringComparer.Ordinal);
        _costs = new CostCalculator(prices ?? PriceTable.Default);
        _stallWarning = stallWarning ?? DefaultStallWarning;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The model a step would call and where it is served, e.g. <c>ollama/llama3.2:3b at 127.0.0.1:11434</c>.</summary>
    public string? Describe(string? agentId, string? model)
    {
        try
        {
            var spec = ModelFor(agentId, model);
            // Asked on an actor's thread: never wait here for an in-process model that may still be loading.
            if (spec.Provider == LlmProviderOptions.LocalProvider) return $"{spec} (in process)";
            return Target(spec, _clients.GetClient(spec));
        }
        catch (Exception ex) when (ex is LlmException or FormatException)
        {
            return null;
        }
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
        using var stall = Watch(model, client, progress as IProgress<AgentStalled>);
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            stall?.Touch();
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

    private ModelSpec ModelFor(string? agentId, string? model)
    {
        AgentProfile? profile = null;
        if (agentId is not null) _agents.TryGetValue(agentId, out profile);
        return ModelSpec.Parse(model ?? profile?.Model ?? _defaultModel);
    }

    /// <summary>A watch when someone listens for stalls and a warning applies; null otherwise (nothing to pay per call).</summary>
    private StallWatch? Watch(ModelSpec model, IChatClient client, IProgress<AgentStalled>? stalls)
    {
        if (stalls is null) return null;
        var after = client.GetService<LlmEndpointOptions>()?.StallWarning ?? _stallWarning;
        if (after == Timeout.InfiniteTimeSpan || after <= TimeSpan.Zero) return null;
        var target = Target(model, client);
        return new StallWatch(after, _time, silence => stalls.Report(new AgentStalled(target, silence)));
    }

    private static string Target(ModelSpec model, IChatClient client) =>
        client.GetService<ChatClientMetadata>()?.ProviderUri is { } server ? $"{model} at {server.Authority}" : $"{model} (in process)";
}
