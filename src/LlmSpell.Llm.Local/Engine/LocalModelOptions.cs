namespace LlmSpell.Llm.Local.Engine;

/// <summary>How a local model is loaded and shared: context per sequence, parallel sequences, threads.</summary>
public sealed record LocalModelOptions
{
    /// <summary>The defaults: the model's trained context up to 4,096 tokens, 4 parallel sequences, one thread per core.</summary>
    public static readonly LocalModelOptions Default = new();

    /// <summary>The most tokens (prompt and answer) of one request; null: the model's trained context, at most 4,096.</summary>
    public int? ContextSize { get; init; }

    /// <summary>
    /// How many requests are decoded together; more wait their turn. The KV cache holds this many contexts, allocated
    /// at load (weights are shared, so each extra sequence costs only its KV cache).
    /// </summary>
    public int MaxSequences { get; init; } = 4;

    /// <summary>Threads for the matrix work; null: the physical cores (more threads than cores slows llama.cpp down many times).</summary>
    public int? Threads { get; init; }

    public LocalModelOptions WithContextSize(int? contextSize) => this with { ContextSize = contextSize };

    public LocalModelOptions WithMaxSequences(int maxSequences) => this with { MaxSequences = maxSequences };

    public LocalModelOptions WithThreads(int? threads) => this with { Threads = threads };

    /// <summary>The thread count to use: <see cref="Threads"/>, else the logical CPUs, halved above 4 (SMT siblings).</summary>
    internal int ResolveThreads() =>
        Threads ?? (Environment.ProcessorCount <= 4 ? Environment.ProcessorCount : Environment.ProcessorCount / 2);

    internal LocalModelOptions Validate()
    {
        if (ContextSize is < 16) throw new ArgumentOutOfRangeException(nameof(ContextSize), ContextSize, "the context must hold at least 16 tokens");
        if (MaxSequences < 1) throw new ArgumentOutOfRangeException(nameof(MaxSequences), MaxSequences, "at least one sequence");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "at least one thread");
        return this;
    }
}
