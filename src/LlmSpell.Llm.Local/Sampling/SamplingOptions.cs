namespace LlmSpell.Llm.Local.Sampling;

/// <summary>How the next token is chosen. Temperature 0 (the default) is greedy: argmax, lowest id on ties.</summary>
public sealed record SamplingOptions
{
    public static readonly SamplingOptions Greedy = new();

    /// <summary>0 = greedy; otherwise logits are divided by it before sampling.</summary>
    public float Temperature { get; init; }

    /// <summary>Keep only the k most likely tokens (0 = no limit).</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches p (1 = no limit).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seed of the random source; null = a different sequence each time.</summary>
    public long? Seed { get; init; }

    public bool IsGreedy => Temperature <= 0f;

    public SamplingOptions WithTemperature(float temperature) => this with { Temperature = temperature };

    public SamplingOptions WithTopK(int topK) => this with { TopK = topK };

    public SamplingOptions WithTopP(float topP) => this with { TopP = topP };

    public SamplingOptions WithSeed(long? seed) => this with { Seed = seed };

    /// <summary>Checks the ranges, saying which value is wrong.</summary>
    public SamplingOptions Validate()
    {
        if (Temperature < 0 || float.IsNaN(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be 0 (greedy) or positive");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be 0 (off) or positive");
        if (!(TopP is > 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
        return this;
    }
}
