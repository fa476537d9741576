using LlmSpell.Llm.Local.Sampling;

namespace LlmSpell.Llm.Local.Tests.Sampling;

public sealed class TokenSamplerSpec
{
    private static readonly float[] Logits = [0.1f, 2.0f, 1.9f, -1f, 2.0f];

    [Fact]
    public void Greedy_takes_the_lowest_id_of_the_best()
    {
        new TokenSampler(SamplingOptions.Greedy, 5).Sample(Logits).Should().Be(1);
    }

    [Fact]
    public void Top_k_limits_the_candidates()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 5f, TopK = 2, Seed = 1 }, 5);

        Enumerable.Range(0, 200).Select(_ => sampler.Sample(Logits)).Distinct().Should().BeSubsetOf([1, 4]).And.HaveCount(2);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p()
    {
        float[] logits = [10f, 0f, 0f, 0f];
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 10f, TopP = 0.5f, Seed = 3 }, 4);

        Enumerable.Range(0, 100).Select(_ => sampler.Sample(logits)).Should().OnlyContain(t => t == 0);
    }

    [Fact]
    public void A_seed_makes_draws_repeatable()
    {
        var options = new SamplingOptions { Temperature = 1f, Seed = 99 };
        int[] Draw() { var s = new TokenSampler(options, 5); return Enumerable.Range(0, 50).Select(_ => s.Sample(Logits)).ToArray(); }

        Draw().Should().Equal(Draw());
    }

    [Theory]
    [InlineData(-1f, 0, 1f)]
    [InlineData(1f, -1, 1f)]
    [InlineData(1f, 0, 0f)]
    [InlineData(1f, 0, 1.5f)]
    public void Out_of_range_options_are_rejected(float temperature, int topK, float topP)
    {
        var act = () => new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
