using System.Text;
using LlmSpell.Llm.Local.Sampling;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;

namespace LlmSpell.Llm.Local.Engine;

/// <summary>
/// A GGUF model loaded by llama.cpp (through LLamaSharp): its weights memory-mapped once in the file's own type, and one
/// <see cref="BatchedDecoder"/> through which every request on it runs, decoded together with the others.
/// </summary>
public sealed class LocalModel : IDisposable
{
    /// <summary>The context per sequence when the options leave it to the model (its trained context, if smaller).</summary>
    public const int DefaultContextCap = 4096;

    private readonly BatchedDecoder _decoder;
    private int _disposed;

    private LocalModel(string path, LLamaWeights weights, int contextSize, LocalModelOptions options, ModelParams parameters)
    {
        Path = path;
        Weights = weights;
        ContextSize = contextSize;
        Options = options;
        ChatTemplate = weights.NativeHandle.GetTemplate(null, false);
        _decoder = new BatchedDecoder(weights, parameters, options.MaxSequences);
    }

    /// <summary>The GGUF file.</summary>
    public string Path { get; }

    /// <summary>The most tokens (prompt and answer) of one request.</summary>
    public int ContextSize { get; }

    /// <summary>The options it was loaded with.</summary>
    public LocalModelOptions Options { get; }

    /// <summary>The file's <c>tokenizer.chat_template</c>; null when it has none (a plain completion model).</summary>
    public string? ChatTemplate { get; }

    /// <summary>llama.cpp's weights (vocabulary, metadata); shared, owned by this model.</summary>
    public LLamaWeights Weights { get; }

    /// <summary>The most sequences one decode step has carried (how much parallel requests were batched).</summary>
    public int PeakBatchSequences => _decoder.PeakBatchSequences;

    internal BatchedDecoder Decoder => _decoder;

    /// <summary>Loads <paramref name="path"/>; a missing, corrupt or unsupported file is a one-line error naming it.</summary>
    /// <exception cref="LlmConfigurationException">The file cannot be loaded, or llama.cpp cannot load on this machine.</exception>
    public static LocalModel Load(string path, LocalModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options = (options ?? LocalModelOptions.Default).Validate();
        NativeBackend.EnsureLoaded();
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new LlmConfigurationException($"Local model file '{path}' does not exist; check the path, or download it with 'llmspell models pull local/NAME'.", LlmProviderOptions.LocalProvider);

        var threads = options.ResolveThreads();
        var load = new ModelParams(path) { GpuLayerCount = 0, Threads = threads, BatchThreads = threads };
        LLamaWeights weights;
        try
        {
            NativeBackend.ClearErrors();
            weights = LLamaWeights.LoadFromFile(load);
        }
        catch (LoadWeightsFailedException ex)
        {
            var why = NativeBackend.LastError();
            throw new LlmConfigurationException(
                $"Local model file '{path}' could not be loaded by llama.cpp{(why.Length > 0 ? $" ({why.TrimEnd('.')})" : "")}: it is not a complete GGUF model of an architecture llama.cpp knows. " +
                "Download it again ('llmspell models pull local/NAME' resumes and checks it) or use another .gguf file.",
                LlmProviderOptions.LocalProvider, innerException: ex);
        }
        try
        {
            var perSequence = Math.Min(options.ContextSize ?? DefaultContextCap, weights.ContextSize);
            var total = checked(perSequence * options.MaxSequences);
            var parameters = new ModelParams(path)
            {
                ContextSize = (uint)total,
                SeqMax = (uint)options.MaxSequences,
                // A whole prompt fits one batch; llama.cpp splits it into micro-batches itself.
                BatchSize = (uint)perSequence,
                UBatchSize = (uint)Math.Min(perSequence, 512),
                Threads = threads,
                BatchThreads = threads,
                GpuLayerCount = 0,
            };
            return new LocalModel(path, weights, perSequence, options, parameters);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The token ids of <paramref name="text"/> (BOS first when the model asks for it and <paramref name="addBos"/>).</summary>
    public int[] Tokenize(string text, bool addBos, bool parseSpecial) =>
        Array.ConvertAll(Weights.Tokenize(text, addBos && Weights.Vocab.ShouldAddBOS, parseSpecial, Encoding.UTF8), t => (int)t);

    /// <summary>The BOS token's text (e.g. <c>&lt;s&gt;</c>, <c>&lt;|begin_of_text|&gt;</c>); null when the model has none.</summary>
    public string? BosText => Weights.Vocab.BOS is { } bos ? Weights.Vocab.LLamaTokenToString(bos, true) : null;

    /// <summary>Whether the model ends its turn with <paramref name="token"/> (EOS, EOT, &lt;|im_end|&gt;, &lt;|eot_id|&gt;…).</summary>
    public bool IsEndOfGeneration(int token) => ((LLamaToken)token).IsEndOfGeneration(Weights.Vocab);

    /// <summary>A decoder of token ids to text that holds back incomplete UTF-8 until the rest arrives.</summary>
    public StreamingTokenDecoder CreateTextDecoder() => new(Encoding.UTF8, Weights);

    /// <summary>
    /// Starts generating after <paramref name="prompt"/>: the decoder takes the request at its next step (or when a
    /// sequence frees up) and writes each sampled token to <see cref="Generation.Tokens"/>, ending after a token
    /// <paramref name="isStop"/> accepts (default: <see cref="IsEndOfGeneration"/>) or <paramref name="maxTokens"/> tokens.
    /// </summary>
    public Generation Generate(IReadOnlyList<int> prompt, SamplingOptions sampling, int maxTokens, Func<int, bool>? isStop = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(sampling);
        if (prompt.Count == 0) throw new ArgumentException("the prompt has no tokens", nameof(prompt));
        if (maxTokens < 1) throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "at least one token");
        if (prompt.Count + maxTokens > ContextSize)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, $"prompt ({prompt.Count}) and answer exceed the context ({ContextSize})");
        var generation = new Generation(prompt.Select(t => (LLamaToken)t).ToArray(), sampling.Validate(), maxTokens, isStop ?? IsEndOfGeneration, cancellationToken);
        _decoder.Submit(generation);
        return generation;
    }

    /// <summary>Stops the decoder (requests in flight end with an error) and frees the context and the weights.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _decoder.Dispose();
        Weights.Dispose();
    }
}
