namespace LlmSpell.Llm.Local.Inference;

/// <summary>
/// llama.cpp's NORMAL rope: rotates adjacent pairs (x[2i], x[2i+1]) by pos·base^(-2i/n_rot). The GGUF converter permutes
/// the Q/K weights so that this interleaved rotation matches Meta's half-split one. θ is built by repeated multiplication
/// in float, exactly as ggml_rope_cache_init does, so rounding matches. Llama 3.1+ files carry per-pair frequency
/// factors (<c>rope_freqs.weight</c>, their long-context scaling): each pair's angle is divided by its factor, as ggml does.
/// NEOX mode (Qwen2) rotates (x[i], x[i + n/2]) with the same angles.
/// </summary>
internal sealed class RotaryEmbedding
{
    private readonly int _dimensions;
    private readonly float _thetaScale;
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly float[]? _freqFactors;
    private readonly bool _neox;
    private int _cachedPosition = -1;

    public RotaryEmbedding(int dimensions, float freqBase, float[]? freqFactors = null, bool neox = false)
    {
        if (freqFactors is not null && freqFactors.Length != dimensions / 2)
            throw new ArgumentException($"{freqFactors.Length} rope frequency factors for {dimensions / 2} dimension pairs", nameof(freqFactors));
        _dimensions = dimensions;
        _freqFactors = freqFactors;
        _neox = neox;
        _thetaScale = MathF.Pow(freqBase, -2.0f / dimensions);
        _cos = new float[dimensions / 2];
        _sin = new float[dimensions / 2];
    }

    /// <summary>Rotates every head of <paramref name="vector"/> (heads of <paramref name="headDimension"/> values) for <paramref name="position"/>.</summary>
    public void Apply(Span<float> vector, int headDimension, int position)
    {
        Prepare(position);
        for (var h = 0; h + headDimension <= vector.Length; h += headDimension)
        {
            var head = vector.Slice(h, headDimension);
            if (_neox)
            {
                var half = _dimensions / 2;
                for (var i = 0; i < half; i++)
                {
                    var c = _cos[i];
                    var s = _sin[i];
                    var x0 = head[i];
                    var x1 = head[i + half];
                    head[i] = x0 * c - x1 * s;
                    head[i + half] = x0 * s + x1 * c;
                }
                continue;
            }
            for (var i = 0; i < _dimensions; i += 2)
            {
                var c = _cos[i / 2];
                var s = _sin[i / 2];
                var x0 = head[i];
                var x1 = head[i + 1];
                head[i] = x0 * c - x1 * s;
                head[i + 1] = x0 * s + x1 * c;
            }
        }
    }

    private void Prepare(int position)
    {
        if (position == _cachedPosition) return;
        float theta = position;
        for (var i = 0; i < _cos.Length; i++)
        {
            var angle = _freqFactors is null ? theta : theta / _freqFactors[i];
            _cos[i] = MathF.Cos(angle);
            _sin[i] = MathF.Sin(angle);
            theta *= _thetaScale;
        }
        _cachedPosition = position;
    }
}
