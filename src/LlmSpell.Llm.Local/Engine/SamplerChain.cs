using LlmSpell.Llm.Local.Sampling;
using LLama.Native;

namespace LlmSpell.Llm.Local.Engine;

/// <summary>Builds llama.cpp's sampler chain for <see cref="SamplingOptions"/>, in llama.cpp's own order.</summary>
internal static class SamplerChain
{
    public static SafeLLamaSamplerChainHandle Create(SamplingOptions options)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            if (options.HasPenalties)
                chain.AddPenalties(options.RepeatLastN, options.RepeatPenalty, options.FrequencyPenalty, options.PresencePenalty);
            if (options.IsGreedy)
            {
                chain.AddGreedySampler();
                return chain;
            }
            if (options.TopK > 0) chain.AddTopK(options.TopK);
            if (options.TopP < 1f) chain.AddTopP(options.TopP, 1);
            if (options.MinP > 0f) chain.AddMinP(options.MinP, 1);
            chain.AddTemperature(options.Temperature);
            chain.AddDistributionSampler(Seed(options.Seed));
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    /// <summary>A 32-bit seed from the option; a fresh one when unset (llama.cpp's "random" value is reserved).</summary>
    private static uint Seed(long? seed) => seed is { } s ? unchecked((uint)(s ^ (s >> 32))) : (uint)Random.Shared.Next();
}
