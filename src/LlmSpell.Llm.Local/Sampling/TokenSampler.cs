using System.Numerics.Tensors;
using LlmSpell.Llm.Local.Inference;

namespace LlmSpell.Llm.Local.Sampling;

/// <summary>Chooses tokens from logits: greedy, or top-k → top-p → temperature → a seeded draw (llama.cpp's default order).</summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private readonly int[] _indices;
    private readonly float[] _values;
    private readonly float[] _logits;
    private readonly float[] _scratch;

    public TokenSampler(SamplingOptions options, int vocabularySize)
    {
        _options = options.Validate();
        _random = options.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
        _indices = new int[vocabularySize];
        _values = new float[vocabularySize];
        _logits = new float[vocabularySize];
        _scratch = new float[vocabularySize];
    }

    public int Sample(ReadOnlySpan<float> logits)
    {
        if (_options.IsGreedy) return Kernels.ArgMax(logits);

        var n = logits.Length;
        var indices = _indices.AsSpan(0, n);
        var values = _values.AsSpan(0, n);
        for (var i = 0; i < n; i++) indices[i] = i;
        var copy = _logits;
        logits.CopyTo(copy);
        // Sort candidates by logit, descending; equal logits keep the lower id first.
        indices.Sort((a, b) => copy[b].CompareTo(copy[a]) is var c && c != 0 ? c : a.CompareTo(b));
        for (var i = 0; i < n; i++) values[i] = copy[indices[i]];

        var keep = _options.TopK > 0 ? Math.Min(_options.TopK, n) : n;
        if (_options.TopP < 1f)
        {
            var probs = values[..keep];
            var scratch = _scratch.AsSpan(0, keep);
            TensorPrimitives.SoftMax(probs, scratch);
            double cumulative = 0;
            for (var i = 0; i < keep; i++)
            {
                cumulative += scratch[i];
                if (cumulative >= _options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }
        }

        var kept = values[..keep];
        TensorPrimitives.Divide(kept, _options.Temperature, kept);
        TensorPrimitives.SoftMax(kept, kept);
        var r = _random.NextDouble();
        double sum = 0;
        for (var i = 0; i < keep; i++)
        {
            sum += kept[i];
            if (r < sum) return indices[i];
        }
        return indices[keep - 1];
    }
}
