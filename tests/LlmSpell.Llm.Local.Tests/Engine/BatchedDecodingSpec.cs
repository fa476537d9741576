using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Sampling;
using LlmSpell.Llm.Local.Tests.Support;

namespace LlmSpell.Llm.Local.Tests.Engine;

/// <summary>Parallel requests on one model: one copy of the weights, decoded together, each as if alone.</summary>
public sealed class BatchedDecodingSpec
{
    private static async Task<int[]> Collect(Generation generation)
    {
        var ids = new List<int>();
        await foreach (var id in generation.Tokens.ReadAllAsync()) ids.Add(id);
        return [.. ids];
    }

    [Fact]
    public async Task Requests_queued_together_are_decoded_in_one_batch_and_each_matches_its_greedy_answer_alone()
    {
        using var model = LocalModel.Load(TestModels.PathOf(TestModels.Stories260K));
        var golden = TestModels.Golden();
        Generation[] generations;

        using (model.Decoder.Hold())
        {
            generations = golden.Cases.Take(4).Select(c => model.Generate(c.PromptTokens, SamplingOptions.Greedy, golden.MaxNewTokens, _ => false)).ToArray();
            model.Decoder.Queued.Should().Be(4, "the decoder admits nothing while held");
        }
        var outputs = await Task.WhenAll(generations.Select(Collect));

        model.PeakBatchSequences.Should().Be(4);
        for (var i = 0; i < outputs.Length; i++)
            outputs[i].Should().Equal(golden.Cases[i].OutputTokens, $"case '{golden.Cases[i].Prompt}' decoded beside three others");
        foreach (var g in generations) g.Dispose();
    }

    [Fact]
    public async Task Requests_beyond_the_sequence_limit_wait_for_a_free_sequence_and_then_run()
    {
        using var model = LocalModel.Load(TestModels.PathOf(TestModels.Stories260K), LocalModelOptions.Default.WithMaxSequences(2));
        var golden = TestModels.Golden();
        Generation[] generations;

        using (model.Decoder.Hold())
            generations = golden.Cases.Select(c => model.Generate(c.PromptTokens, SamplingOptions.Greedy, golden.MaxNewTokens, _ => false)).ToArray();
        var outputs = await Task.WhenAll(generations.Select(Collect));

        model.PeakBatchSequences.Should().Be(2);
        outputs.Select((o, i) => o.SequenceEqual(golden.Cases[i].OutputTokens)).Should().AllBeEquivalentTo(true);
        foreach (var g in generations) g.Dispose();
    }

    [Fact]
    public async Task Prompts_too_long_to_share_one_batch_go_in_successive_batches_and_each_answer_is_unchanged()
    {
        // A batch holds ContextSize (64) tokens: four ~40-token prompts need four batches in one step.
        using var model = LocalModel.Load(TestModels.PathOf(TestModels.Stories260K), LocalModelOptions.Default.WithContextSize(64));
        var prompts = TestModels.Golden().Cases.Take(4)
            .Select(c => model.Tokenize(string.Join(' ', Enumerable.Repeat(c.Prompt, 16)), addBos: true, parseSpecial: false)[..40])
            .ToArray();
        var alone = new List<int[]>();
        foreach (var p in prompts)
        {
            using var g = model.Generate(p, SamplingOptions.Greedy, 16, _ => false);
            alone.Add(await Collect(g));
        }
        Generation[] generations;

        using (model.Decoder.Hold())
            generations = prompts.Select(p => model.Generate(p, SamplingOptions.Greedy, 16, _ => false)).ToArray();
        var together = await Task.WhenAll(generations.Select(Collect));

        for (var i = 0; i < prompts.Length; i++) together[i].Should().Equal(alone[i]);
        model.PeakBatchSequences.Should().BeGreaterThan(1, "after the prompts, the sequences' next tokens share a batch");
        foreach (var g in generations) g.Dispose();
    }

    [Fact]
    public async Task A_request_on_an_unloaded_model_ends_with_an_error_instead_of_waiting_forever()
    {
        var model = LocalModel.Load(TestModels.PathOf(TestModels.Stories260K));
        var prompt = TestModels.Golden().Cases[0].PromptTokens;
        model.Dispose();

        using var late = model.Generate(prompt, SamplingOptions.Greedy, 8, _ => false);
        var act = () => Collect(late);

        await act.Should().ThrowAsync<ObjectDisposedException>().WithMessage("*unloaded*");
    }

    [Fact]
    public async Task An_abandoned_request_stops_while_the_others_go_on()
    {
        using var model = LocalModel.Load(TestModels.PathOf(TestModels.Stories260K));
        var golden = TestModels.Golden();
        var prompt = golden.Cases[0].PromptTokens;

        var abandoned = model.Generate(prompt, SamplingOptions.Greedy, 1000, _ => false);
        (await abandoned.Tokens.ReadAsync()).Should().Be(golden.Cases[0].OutputTokens[0]);
        abandoned.Dispose();
        using var other = model.Generate(golden.Cases[1].PromptTokens, SamplingOptions.Greedy, golden.MaxNewTokens, _ => false);

        (await Collect(other)).Should().Equal(golden.Cases[1].OutputTokens);
        var rest = await Collect(abandoned);
        rest.Length.Should().BeLessThan(1000 - 1, "the decoder drops an abandoned sequence at its next step");
    }
}
