using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Sampling;
using Microsoft.Extensions.AI;

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


    [Fact]
    public void Min_p_drops_tokens_far_less_likely_than_the_best()
    {
        // p(1)/p(0) = e^-0.1 ≈ 0.90 stays above 0.5; p(2)/p(0) = e^-3 ≈ 0.05 and p(3)/p(0) do not.
        float[] logits = [3f, 2.9f, 0f, -5f];
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 50f, MinP = 0.5f, Seed = 4 }, 4);

        Enumerable.Range(0, 300).Select(_ => sampler.Sample(logits)).Distinct().Should().BeEquivalentTo([0, 1]);
    }

    [Fact]
    public void The_repeat_penalty_divides_positive_logits_and_multiplies_negative_ones_of_recent_tokens()
    {
        var options = SamplingOptions.Greedy.WithRepeatPenalty(1.5f);
        var positive = new TokenSampler(options, 3);
        var negative = new TokenSampler(options, 2);

        positive.Sample([1.0f, 0.9f, 0.5f]).Should().Be(0);
        positive.Accept(0);
        positive.Sample([1.0f, 0.9f, 0.5f]).Should().Be(1, "1.0 / 1.5 < 0.9");
        negative.Accept(0);
        negative.Sample([-1.0f, -1.2f]).Should().Be(1, "-1.0 * 1.5 < -1.2");
    }

    [Fact]
    public void Penalties_look_only_at_the_last_n_tokens()
    {
        var sampler = new TokenSampler(SamplingOptions.Greedy.WithRepeatPenalty(2f, lastN: 2), 3);

        sampler.Accept(0);
        sampler.Sample([1.0f, 0.9f, 0f]).Should().Be(1);
        sampler.Accept(2);
        sampler.Accept(2);
        sampler.Sample([1.0f, 0.9f, 0f]).Should().Be(0, "token 0 left the window of two");
    }

    [Fact]
    public void Frequency_penalty_grows_with_each_occurrence_and_presence_penalty_does_not()
    {
        float[] logits = [1.0f, 0.5f];
        var frequency = new TokenSampler(SamplingOptions.Greedy.WithFrequencyPenalty(0.3f), 2);
        var presence = new TokenSampler(SamplingOptions.Greedy.WithPresencePenalty(0.4f), 2);

        frequency.Accept(0);
        frequency.Sample(logits).Should().Be(0, "1.0 - 0.3 > 0.5");
        frequency.Accept(0);
        frequency.Sample(logits).Should().Be(1, "1.0 - 2 × 0.3 < 0.5");
        for (var i = 0; i < 5; i++) presence.Accept(0);
        presence.Sample(logits).Should().Be(0, "1.0 - 0.4 > 0.5, however often");
    }

    [Fact]
    public void Chat_options_map_to_sampling_with_Ollama_names_for_what_ChatOptions_lacks()
    {
        var options = new ChatOptions
        {
            Temperature = 0.7f,
            FrequencyPenalty = 0.2f,
            PresencePenalty = 0.1f,
            AdditionalProperties = new() { ["min_p"] = 0.05, ["repeat_penalty"] = "1.1", ["repeat_last_n"] = 32 },
        };

        var sampling = LocalChatClient.SamplingOf(options);

        sampling.Should().BeEquivalentTo(new SamplingOptions
        {
            Temperature = 0.7f, MinP = 0.05f, RepeatPenalty = 1.1f, RepeatLastN = 32, FrequencyPenalty = 0.2f, PresencePenalty = 0.1f,
        });
        var bad = () => LocalChatClient.SamplingOf(new ChatOptions { AdditionalProperties = new() { ["min_p"] = "lots" } });
        bad.Should().Throw<ArgumentException>().WithMessage("*'min_p'*must be a number*");
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

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    public void Out_of_range_min_p_is_rejected(float minP)
    {
        var act = () => new SamplingOptions { MinP = minP }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*min-p must be in [0, 1)*");
    }

    [Fact]
    public void A_repeat_penalty_that_is_not_positive_is_rejected()
    {
        var act = () => new SamplingOptions { RepeatPenalty = 0f }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*repeat penalty must be positive*");
    }
}
