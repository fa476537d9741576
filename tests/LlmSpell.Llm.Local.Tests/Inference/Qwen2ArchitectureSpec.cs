using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Inference;
using LlmSpell.Llm.Local.Tests.Support;

namespace LlmSpell.Llm.Local.Tests.Inference;

/// <summary>Qwen2 files: the llama block plus Q/K/V biases and NEOX rope, hyper-parameters under <c>qwen2.*</c>.</summary>
public sealed class Qwen2ArchitectureSpec
{
    /// <summary>
    /// Residual x = 1 + attn_output·v, with v = the V bias (V weights are zero) and attn_output the identity. "hello" scores
    /// the sum of the normalised x; "world" scores twice its first value. Without a bias x = 1 and "hello" wins (8 vs 2);
    /// with bias [10, -1, …] x = [11, 0, …] and "world" wins (5.7 vs 2.8).
    /// </summary>
    private static LlamaModel Model(string architecture, bool withBias)
    {
        var identity = new float[TinyBpeModel.Dim * TinyBpeModel.Dim];
        for (var i = 0; i < TinyBpeModel.Dim; i++) identity[i * TinyBpeModel.Dim + i] = 1f;
        var bias = TinyBpeModel.Filled(TinyBpeModel.Dim, -1f);
        bias[0] = 10f;
        var world = new float[TinyBpeModel.Dim];
        world[0] = 2f;
        var model = new TinyBpeModel { AttentionOutput = identity, ValueBias = withBias ? bias : null };
        model.OutputRows["hello"] = TinyBpeModel.Filled(TinyBpeModel.Dim, 1f);
        model.OutputRows["Ġworld"] = world;
        return model.Load(new BpeModelFile { Architecture = architecture, Pre = "qwen2" });
    }

    private static string Next(LlamaModel model) => model.Vocabulary.Tokens[Kernels.ArgMax(model.CreateSession(8).Forward(0))];

    [Fact]
    public void Reads_hyper_parameters_under_the_qwen2_prefix_and_uses_NEOX_rope()
    {
        var model = Model("qwen2", withBias: false);

        model.Config.Architecture.Should().Be("qwen2");
        model.Config.NeoxRope.Should().BeTrue();
        (model.Config.EmbeddingLength, model.Config.BlockCount, model.Config.HeadCount).Should().Be((8, 1, 2));
    }

    [Fact]
    public void Adds_the_QKV_biases_of_the_file()
    {
        Next(Model("qwen2", withBias: false)).Should().Be("hello");
        Next(Model("qwen2", withBias: true)).Should().Be("Ġworld");
    }

    [Fact]
    public void An_unsupported_architecture_is_an_error_listing_the_supported_ones()
    {
        var act = () => Model("gemma2", withBias: false);

        act.Should().Throw<GgufFormatException>().WithMessage("*unsupported architecture 'gemma2'*'llama', 'qwen2'*");
    }

    [Fact]
    public void NEOX_rope_rotates_the_two_halves_of_a_head_together()
    {
        // Pairs (0, 2) and (1, 3): pair 0 turns by pos, pair 1 by pos / 100 (base 10000, four dimensions).
        var v = new float[] { 1, 1, 0, 0 };
        new RotaryEmbedding(4, 10000f, neox: true).Apply(v, 4, 3);

        v.Should().Equal([MathF.Cos(3), MathF.Cos(0.03f), MathF.Sin(3), MathF.Sin(0.03f)], (a, b) => MathF.Abs(a - b) < 1e-5f);
    }
}
