using System.Numerics.Tensors;
using LlmSpell.Llm.Local.Inference;

namespace LlmSpell.Llm.Local.Sampling;

/// <summary>
/// Chooses tokens from logits in llama.cpp's default order: penalties (repeat, frequency, presence over the last tokens)
/// → greedy argmax, or top-k → top-p → min-p → temperature → a seeded draw.
/// </summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private readonly int[] _indices;
    private readonly float[] _values;
    private readonly float[] _logits;
    private readonly float[] _scratch;
    private readonly Queue<int> _recent = new();
    private readonly Dictionary<int, int> _counts = [];

    public TokenSampler(SamplingOptions options, int vocabularySize)
    {
        _options = options.Validate();
        _random = options.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
        _indices = new int[vocabularySize];
        _values = new float[vocabularySize];
        _logits = new float[vocabularySize];
        _scratch = new float[vocabularySize];
    }

    /// <summary>Records a token of the context (prompt or output) for the penalties; a no-op without them.</summary>
    public void Accept(int token)
    {
        if (!_options.HasPenalties) return;
        _recent.Enqueue(token);
        _counts[token] = _counts.GetValueOrDefault(token) + 1;
        if (_recent.Count <= _options.RepeatLastN) return;
        var old = _recent.Dequeue();
        if (--_counts[old] == 0) _counts.Remove(old);
    }

    public int Sample(ReadOnlySpan<float> logits)
    {
        if (_options.IsGreedy && !_options.HasPenalties) return Kernels.ArgMax(logits);

        var n = logits.Length;
        var copy = _logits;
        logits.CopyTo(copy);
        ApplyPenalties(copy.AsSpan(0, n));
        if (_options.IsGreedy) return Kernels.ArgMax(copy.AsSpan(0, n));

        var indices = _indices.AsSpan(0, n);
        var values = _values.AsSpan(0, n);
        for (var i = 0; i < n; i++) indices[i] = i;
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

        if (_options.MinP > 0f)
        {
            // llama.cpp compares logits: p_i >= min_p * p_max  ⇔  logit_i >= logit_max + ln(min_p). Values are sorted.
            var threshold = values[0] + MathF.Log(_options.MinP);
            var i = 1;
            while (i < keep && values[i] >= threshold) i++;
            keep = i;
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

    private void ApplyPenalties(Span<float> logits)
    {
        foreach (var (token, count) in _counts)
        {
            if ((uint)token >= (uint)logits.Length) continue;
            ref var logit = ref logits[token];
            logit = logit <= 0 ? logit * _options.RepeatPenalty : logit / _options.RepeatPenalty;
            logit -= count * _options.FrequencyPenalty + _options.PresencePenalty;
        }
    }
}
