using System.Runtime.CompilerServices;
using System.Text;
using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Sampling;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// <see cref="IChatClient"/> over a <see cref="LocalModel"/> (llama.cpp in-process): the prompt in the model's chat
/// template (or plain completion), greedy or sampled generation (temperature, top-k, top-p, min-p, repeat/frequency/
/// presence penalties, seed), stopping at the model's end-of-generation tokens (or other given stop tokens), max tokens
/// or stop strings; streams whole characters; checks cancellation between tokens; reports prompt and completion tokens.
/// Concurrent calls are decoded together by the model's batched decoder.
/// </summary>
public sealed class LocalChatClient : IChatClient
{
    /// <summary>The completion length when ChatOptions.MaxOutputTokens is unset.</summary>
    public const int DefaultMaxOutputTokens = 256;

    private readonly LocalModel _model;
    private readonly string _modelId;
    private readonly ChatClientMetadata _metadata;
    private readonly HashSet<int> _extraStopTokens;
    private readonly ChatPrompt _prompt;

    /// <param name="model">The loaded model (shared; not disposed by the client).</param>
    /// <param name="modelId">The id reported in responses; default: the file name without extension.</param>
    /// <param name="extraStopTokens">
    /// Token ids that end generation besides the model's end-of-generation tokens: llama2.c story models (stories260K)
    /// separate stories with BOS, which llama.cpp does not stop on; pass the BOS id to end at the end of a story.
    /// </param>
    /// <param name="clock">Today's date for chat templates that print it; default: the system clock.</param>
    /// <exception cref="LlmConfigurationException">llama.cpp does not recognise the model's chat template.</exception>
    public LocalChatClient(LocalModel model, string? modelId = null, IEnumerable<int>? extraStopTokens = null, TimeProvider? clock = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _modelId = modelId ?? Path.GetFileNameWithoutExtension(model.Path);
        _prompt = ChatPrompt.For(model.ChatTemplate, _modelId, clock);
        _extraStopTokens = [.. extraStopTokens ?? []];
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

        var rendered = _prompt.Render(ChatPrompt.WithInstructions(messages, options?.Instructions));
        // Exactly one BOS: the tokenizer adds it unless the rendered template already starts with it.
        var addBos = !(_prompt.HasTemplate && _model.BosText is { Length: > 0 } bos && rendered.StartsWith(bos, StringComparison.Ordinal));
        var prompt = _model.Tokenize(rendered, addBos, parseSpecial: _prompt.HasTemplate);
        if (prompt.Length >= _model.ContextSize)
            throw new ContextFullException(_model.ContextSize);
        maxTokens = Math.Min(maxTokens, _model.ContextSize - prompt.Length);
        var responseId = Guid.NewGuid().ToString("N");

        var generated = 0;
        var finish = ChatFinishReason.Length;
        var stops = new StopStringFilter(options?.StopSequences ?? []);
        var rest = "";
        if (maxTokens > 0)
        {
            var decoder = _model.CreateTextDecoder();
            // As llama.cpp's detokenizer does for SentencePiece vocabularies: the word-start space of the answer's first piece goes.
            var trimLeadingSpace = _model.Weights.Vocab.Type == LLama.Native.LLamaVocabType.SentencePiece;
            using var generation = _model.Generate(prompt, sampling, maxTokens, IsStop, cancellationToken);
            var tokens = generation.Tokens;
            while (await tokens.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var ended = false;
                while (!ended && tokens.TryRead(out var token))
                {
                    // Between tokens: the decoder may be ahead of this reader, so ask here too.
                    cancellationToken.ThrowIfCancellationRequested();
                    generated++;
                    if (IsStop(token))
                    {
                        finish = ChatFinishReason.Stop;
                        ended = true;
                        break;
                    }
                    decoder.Add(token);
                    var piece = decoder.Read();
                    if (trimLeadingSpace && piece.Length > 0)
                    {
                        if (piece[0] == ' ') piece = piece[1..];
                        trimLeadingSpace = false;
                    }
                    var text = stops.Push(piece);
                    if (text.Length > 0) yield return Update(responseId, text);
                    if (stops.Stopped)
                    {
                        finish = ChatFinishReason.Stop;
                        ended = true;
                    }
                }
                if (ended) break;
            }
            if (!stops.Stopped) rest = stops.Push(decoder.Read()) + stops.Flush();
        }

        var final = Update(responseId, rest);
        final.FinishReason = finish;
        final.Contents.Add(new UsageContent(new UsageDetails
        {
            InputTokenCount = prompt.Length,
            OutputTokenCount = generated,
            TotalTokenCount = prompt.Length + generated,
        }));
        yield return final;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(LocalModel)) return _model;
        if (serviceType == typeof(ChatPrompt)) return _prompt;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the model belongs to whoever loaded it (the provider).</summary>
    public void Dispose()
    {
    }

    private bool IsStop(int token) => _extraStopTokens.Contains(token) || _model.IsEndOfGeneration(token);

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
