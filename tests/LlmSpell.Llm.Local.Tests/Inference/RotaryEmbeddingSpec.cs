using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Inference;
using LlmSpell.Llm.Local.Tests.Support;

namespace LlmSpell.Llm.Local.Tests.Inference;

public sealed class RotaryEmbeddingSpec
{
    private static float[] Rotate(float[]? factors, int position)
    {
        // Two pairs, base 10000: pair 0 turns by pos, pair 1 by pos · 10000^(-1/2) = pos / 100.
        var v = new float[] { 1, 0, 1, 0 };
        new RotaryEmbedding(4, 10000f, factors).Apply(v, 4, position);
        return v;
    }

    [Fact]
    public void Rotates_each_pair_by_position_times_its_frequency()
    {
        Rotate(null, 3).Should().Equal([MathF.Cos(3), MathF.Sin(3), MathF.Cos(0.03f), MathF.Sin(0.03f)], (a, b) => MathF.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Frequency_factors_divide_each_pair_s_angle()
    {
        Rotate([2f, 1f], 3).Should().Equal([MathF.Cos(1.5f), MathF.Sin(1.5f), MathF.Cos(0.03f), MathF.Sin(0.03f)], (a, b) => MathF.Abs(a - b) < 1e-5f);
        Rotate([1f, 1f], 3).Should().Equal(Rotate(null, 3));
    }

    [Fact]
    public void A_model_file_s_rope_freqs_tensor_is_loaded_and_checked()
    {
        var model = TinyBpeModel.Load(new BpeModelFile(), "hello", ropeFrequencyFactors: [1f, 4f]);
        var wrongShape = () => TinyBpeModel.Load(new BpeModelFile(), "hello", ropeFrequencyFactors: [1f, 4f, 8f]);

        model.RopeFrequencyFactors.Should().Equal(1f, 4f);
        TinyBpeModel.Load(new BpeModelFile(), "hello").RopeFrequencyFactors.Should().BeNull();
        wrongShape.Should().Throw<GgufFormatException>().WithMessage("*rope_freqs.weight*");
    }
}
