namespace LlmSpell.Llm.Local.Sampling;

/// <summary>How the next token is chosen (llama.cpp's sampler chain is built from it). Temperature 0 (the default) is greedy: argmax.</summary>
public sealed record SamplingOptions
{
    public static readonly SamplingOptions Greedy = new();

    /// <summary>0 = greedy; otherwise logits are divided by it before sampling.</summary>
    public float Temperature { get; init; }

    /// <summary>Keep only the k most likely tokens (0 = no limit).</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches p (1 = no limit).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keep only tokens at least this fraction as likely as the most likely one (0 = off), as llama.cpp's min-p.</summary>
    public float MinP { get; init; }

    /// <summary>Logits of tokens seen in the last <see cref="RepeatLastN"/> are divided by this (multiplied when negative); 1 = off.</summary>
    public float RepeatPenalty { get; init; } = 1f;

    /// <summary>How many recent tokens (prompt and output) the penalties look at; 0 = none.</summary>
    public int RepeatLastN { get; init; } = 64;

    /// <summary>Subtracted from a token's logit per occurrence in the window (0 = off).</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Subtracted once from the logit of a token present in the window (0 = off).</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Seed of the random source; null = a different sequence each time.</summary>
    public long? Seed { get; init; }

    /// <summary>Whether any penalty applies (then llama.cpp's penalty sampler sees the prompt and the answer so far).</summary>
    public bool HasPenalties => RepeatLastN > 0 && (RepeatPenalty != 1f || FrequencyPenalty != 0f || PresencePenalty != 0f);

    public bool IsGreedy => Temperature <= 0f;

    public SamplingOptions WithTemperature(float temperature) => this with { Temperature = temperature };

    public SamplingOptions WithTopK(int topK) => this with { TopK = topK };

    public SamplingOptions WithTopP(float topP) => this with { TopP = topP };

    public SamplingOptions WithSeed(long? seed) => this with { Seed = seed };

    public SamplingOptions WithMinP(float minP) => this with { MinP = minP };

    public SamplingOptions WithRepeatPenalty(float penalty, int lastN = 64) => this with { RepeatPenalty = penalty, RepeatLastN = lastN };

    public SamplingOptions WithFrequencyPenalty(float penalty) => this with { FrequencyPenalty = penalty };

    public SamplingOptions WithPresencePenalty(float penalty) => this with { PresencePenalty = penalty };

    /// <summary>Checks the ranges, saying which value is wrong.</summary>
    public SamplingOptions Validate()
    {
        if (Temperature < 0 || float.IsNaN(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be 0 (greedy) or positive");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be 0 (off) or positive");
        if (!(TopP is > 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
        if (!(MinP is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(MinP), MinP, "min-p must be in [0, 1) (0 = off)");
        if (!(RepeatPenalty > 0f)) throw new ArgumentOutOfRangeException(nameof(RepeatPenalty), RepeatPenalty, "the repeat penalty must be positive (1 = off)");
        if (RepeatLastN < 0) throw new ArgumentOutOfRangeException(nameof(RepeatLastN), RepeatLastN, "repeat_last_n must be 0 (off) or positive");
        if (!float.IsFinite(FrequencyPenalty)) throw new ArgumentOutOfRangeException(nameof(FrequencyPenalty), FrequencyPenalty, "the frequency penalty must be a number");
        if (!float.IsFinite(PresencePenalty)) throw new ArgumentOutOfRangeException(nameof(PresencePenalty), PresencePenalty, "the presence penalty must be a number");
        return this;
    }
}
