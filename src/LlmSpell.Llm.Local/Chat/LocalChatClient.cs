using System.Runtime.CompilerServices;
using System.Text;
using LlmSpell.Llm.Local.Inference;
using LlmSpell.Llm.Local.Sampling;
using LlmSpell.Llm.Local.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// <see cref="IChatClient"/> over an in-process llama model: the prompt in the model's chat template format (or plain
/// completion), greedy or sampled generation (temperature, top-k, top-p, min-p, repeat/frequency/presence penalties,
/// seed), stopping on EOS, the template's end-of-turn token (or other given stop tokens), max tokens or stop strings;
/// streams whole characters; checks cancellation between tokens; reports prompt and completion tokens. Each call has
/// its own session, so calls may run concurrently.
/// </summary>
public sealed class LocalChatClient : IChatClient
{
    /// <summary>The completion length when ChatOptions.MaxOutputTokens is unset.</summary>
    public const int DefaultMaxOutputTokens = 256;

    private readonly LlamaModel _model;
    private readonly string _modelId;
    private readonly ChatClientMetadata _metadata;
    private readonly HashSet<int> _stopTokens;
    private readonly ChatTemplate _template;

    /// <param name="model">The loaded model (shared; not disposed by the client).</param>
    /// <param name="modelId">The id reported in responses; default: the file name without extension.</param>
    /// <param name="clock">Today's date for chat templates that print it; default: the system clock.</param>
    /// <param name="extraStopTokens">
    /// Token ids that end generation besides EOS: llama2.c story models (stories260K) separate stories with BOS, which
    /// llama.cpp does not stop on; pass <c>[model.Vocabulary.Bos]</c> to end at the end of a story.
    /// </param>
    /// <exception cref="LlmConfigurationException">The model's chat template is of no supported family.</exception>
    public LocalChatClient(LlamaModel model, string? modelId = null, IEnumerable<int>? extraStopTokens = null, TimeProvider? clock = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _modelId = modelId ?? Path.GetFileNameWithoutExtension(model.Path);
        _template = ChatTemplate.Detect(model.ChatTemplate, model.Vocabulary, _modelId, clock);
        _stopTokens = [.. _template.StopTokens(model.Vocabulary), .. extraStopTokens ?? []];
        _metadata = new ChatClientMetadata("local", null, _modelId);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        string? responseId = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            responseId = update.ResponseId;
            text.Append(update.Text);
            finish ??= update.FinishReason;
            foreach (var c in update.Contents)
                if (c is UsageContent u) usage = u.Details;
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()))
        {
            ResponseId = responseId,
            ModelId = _modelId,
            FinishReason = finish,
            Usage = usage,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var sampling = SamplingOf(options);
        var maxTokens = options?.MaxOutputTokens ?? DefaultMaxOutputTokens;
        if (maxTokens < 0) throw new ArgumentOutOfRangeException(nameof(options), maxTokens, "ChatOptions.MaxOutputTokens must not be negative");

        var prompt = _model.Tokenizer.Encode(_template.Render(ChatTemplate.WithInstructions(messages, options?.Instructions)), _template.AddBos, _template.ParseSpecial);
        var context = _model.Config.ContextLength;
        if (prompt.Count >= context)
            throw new ContextFullException(context);
        maxTokens = Math.Min(maxTokens, context - prompt.Count);
        var responseId = Guid.NewGuid().ToString("N");

        // Leave the caller's context: the forward pass is CPU work.
        await Task.Yield();
        var session = _model.CreateSession(prompt.Count + maxTokens);
        var sampler = new TokenSampler(sampling, _model.Config.VocabularySize);
        var detokenizer = new StreamingDetokenizer(_model.Vocabulary);
        var stops = new StopStringFilter(options?.StopSequences ?? []);

        ReadOnlySpan<float> Prefill()
        {
            ReadOnlySpan<float> last = default;
            foreach (var t in prompt)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sampler.Accept(t);
                last = session.Forward(t);
            }
            return last;
        }

        var next = sampler.Sample(Prefill());
        var generated = 0;
        var finish = ChatFinishReason.Length;
        while (generated < maxTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            generated++;
            if (_stopTokens.Contains(next))
            {
                finish = ChatFinishReason.Stop;
                break;
            }
            var text = stops.Push(detokenizer.Append(next));
            if (text.Length > 0) yield return Update(responseId, text);
            if (stops.Stopped)
            {
                finish = ChatFinishReason.Stop;
                break;
            }
            if (generated == maxTokens) break;
            sampler.Accept(next);
            next = sampler.Sample(session.Forward(next));
        }

        var rest = stops.Stopped ? "" : stops.Push(detokenizer.Flush()) + stops.Flush();
        var final = Update(responseId, rest);
        final.FinishReason = finish;
        final.Contents.Add(new UsageContent(new UsageDetails
        {
            InputTokenCount = prompt.Count,
            OutputTokenCount = generated,
            TotalTokenCount = prompt.Count + generated,
        }));
        yield return final;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(LlamaModel)) return _model;
        if (serviceType == typeof(ChatTemplate)) return _template;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the model is managed memory, owned by whoever loaded it.</summary>
    public void Dispose()
    {
    }

    private ChatResponseUpdate Update(string responseId, string text) => new(ChatRole.Assistant, text)
    {
        ResponseId = responseId,
        ModelId = _modelId,
    };

    /// <summary>
    /// ChatOptions' own fields, plus Ollama's option names in AdditionalProperties for what ChatOptions lacks
    /// (<c>min_p</c>, <c>repeat_penalty</c>, <c>repeat_last_n</c>), so one workflow works on both engines.
    /// </summary>
    internal static SamplingOptions SamplingOf(ChatOptions? options)
    {
        var extra = options?.AdditionalProperties;
        var defaults = new SamplingOptions();
        return new SamplingOptions
        {
            Temperature = options?.Temperature ?? 0f,
            TopK = options?.TopK ?? 0,
            TopP = options?.TopP ?? 1f,
            MinP = Number(extra, "min_p") ?? defaults.MinP,
            RepeatPenalty = Number(extra, "repeat_penalty") ?? defaults.RepeatPenalty,
            RepeatLastN = Number(extra, "repeat_last_n") is { } n ? (int)n : defaults.RepeatLastN,
            FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
            PresencePenalty = options?.PresencePenalty ?? 0f,
            Seed = options?.Seed,
        }.Validate();
    }

    private static float? Number(AdditionalPropertiesDictionary? extra, string key)
    {
        if (extra is null || !extra.TryGetValue(key, out var value) || value is null) return null;
        return value switch
        {
            float f => f,
            double d => (float)d,
            int i => i,
            long l => l,
            decimal m => (float)m,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e => e.GetSingle(),
            string s when float.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new ArgumentException($"ChatOptions.AdditionalProperties['{key}'] must be a number, not '{value}'", nameof(extra)),
        };
    }
}
