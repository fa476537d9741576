using System.Numerics.Tensors;

namespace LlmSpell.Llm.Local.Inference;

/// <summary>One generation stream over a model: a KV cache and preallocated buffers, so the token loop allocates nothing. Not thread-safe.</summary>
public sealed class InferenceSession
{
    private readonly LlamaModel _model;
    private readonly LlamaConfig _c;
    private readonly RotaryEmbedding _rope;
    private readonly float[][] _keyCache;
    private readonly float[][] _valueCache;
    private readonly float[] _x, _xb, _q, _k, _v, _attn, _scores, _hb, _hb2, _logits;

    internal InferenceSession(LlamaModel model, int contextLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 1);
        _model = model;
        _c = model.Config;
        ContextLength = contextLength;
        _rope = new RotaryEmbedding(_c.RopeDimensionCount, _c.RopeFreqBase, model.RopeFrequencyFactors, _c.NeoxRope);
        _keyCache = new float[_c.BlockCount][];
        _valueCache = new float[_c.BlockCount][];
        for (var l = 0; l < _c.BlockCount; l++)
        {
            _keyCache[l] = new float[contextLength * _c.KvDimension];
            _valueCache[l] = new float[contextLength * _c.KvDimension];
        }
        _x = new float[_c.EmbeddingLength];
        _xb = new float[_c.EmbeddingLength];
        _q = new float[_c.EmbeddingLength];
        _k = new float[_c.KvDimension];
        _v = new float[_c.KvDimension];
        _attn = new float[_c.EmbeddingLength];
        _scores = new float[contextLength];
        _hb = new float[_c.FeedForwardLength];
        _hb2 = new float[_c.FeedForwardLength];
        _logits = new float[_c.VocabularySize];
    }

    public LlamaModel Model => _model;

    public int ContextLength { get; }

    /// <summary>How many tokens are in the KV cache.</summary>
    public int Position { get; private set; }

    /// <summary>Clears the cache (the buffers are reused).</summary>
    public void Reset() => Position = 0;

    /// <summary>Feeds one token at the next position and returns the logits for the token after it (valid until the next call).</summary>
    public ReadOnlySpan<float> Forward(int token)
    {
        if ((uint)token >= (uint)_c.VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(token), token, $"token id outside the vocabulary (0..{_c.VocabularySize - 1})");
        if (Position >= ContextLength) throw new ContextFullException(ContextLength);

        var pos = Position;
        var dim = _c.EmbeddingLength;
        var kvDim = _c.KvDimension;
        var headDim = _c.HeadDimension;
        var group = _c.HeadCount / _c.HeadCountKv;
        var scale = 1.0f / MathF.Sqrt(headDim);
        _model.Embeddings.AsSpan(token * dim, dim).CopyTo(_x);

        for (var l = 0; l < _c.BlockCount; l++)
        {
            var w = _model.Layers[l];
            Kernels.RmsNorm(_x, w.AttentionNorm, _c.RmsNormEpsilon, _xb);
            Kernels.MatVec(w.Query, _xb, dim, _q, dim);
            Kernels.MatVec(w.Key, _xb, dim, _k, kvDim);
            Kernels.MatVec(w.Value, _xb, dim, _v, kvDim);
            if (w.QueryBias is not null) TensorPrimitives.Add(_q, w.QueryBias, _q);
            if (w.KeyBias is not null) TensorPrimitives.Add(_k, w.KeyBias, _k);
            if (w.ValueBias is not null) TensorPrimitives.Add(_v, w.ValueBias, _v);
            _rope.Apply(_q, headDim, pos);
            _rope.Apply(_k, headDim, pos);
            var keys = _keyCache[l];
            var values = _valueCache[l];
            _k.CopyTo(keys, pos * kvDim);
            _v.CopyTo(values, pos * kvDim);

            for (var h = 0; h < _c.HeadCount; h++)
            {
                var q = _q.AsSpan(h * headDim, headDim);
                var kvOffset = h / group * headDim;
                var scores = _scores.AsSpan(0, pos + 1);
                for (var t = 0; t <= pos; t++)
                    scores[t] = TensorPrimitives.Dot(q, keys.AsSpan(t * kvDim + kvOffset, headDim)) * scale;
                Kernels.Softmax(scores);
                var output = _attn.AsSpan(h * headDim, headDim);
                output.Clear();
                for (var t = 0; t <= pos; t++)
                    TensorPrimitives.MultiplyAdd(values.AsSpan(t * kvDim + kvOffset, headDim), scores[t], output, output);
            }

            Kernels.MatVec(w.AttentionOutput, _attn, dim, _xb, dim);
            TensorPrimitives.Add(_x, _xb, _x);

            Kernels.RmsNorm(_x, w.FeedForwardNorm, _c.RmsNormEpsilon, _xb);
            Kernels.MatVec(w.Gate, _xb, dim, _hb, _c.FeedForwardLength);
            Kernels.MatVec(w.Up, _xb, dim, _hb2, _c.FeedForwardLength);
            Kernels.SwiGlu(_hb, _hb2);
            Kernels.MatVec(w.Down, _hb, _c.FeedForwardLength, _xb, dim);
            TensorPrimitives.Add(_x, _xb, _x);
        }

        Kernels.RmsNorm(_x, _model.OutputNorm, _c.RmsNormEpsilon, _xb);
        Kernels.MatVec(_model.Output, _xb, dim, _logits, _c.VocabularySize);
        Position = pos + 1;
        return _logits;
    }

    /// <summary>Feeds the prompt and generates up to <paramref name="maxTokens"/> tokens greedily (stopping after EOS); fills <paramref name="output"/>.</summary>
    public int GenerateGreedy(ReadOnlySpan<int> prompt, Span<int> output, int maxTokens, bool stopAtEos = true, CancellationToken cancellationToken = default)
    {
        if (prompt.IsEmpty) throw new ArgumentException("the prompt has no tokens; tokenize with BOS", nameof(prompt));
        ReadOnlySpan<float> logits = default;
        foreach (var t in prompt) logits = Forward(t);
        var n = 0;
        while (n < maxTokens && n < output.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = Kernels.ArgMax(logits);
            output[n++] = next;
            if (stopAtEos && next == _model.Vocabulary.Eos) break;
            if (n == maxTokens) break;
            logits = Forward(next);
        }
        return n;
    }
}
