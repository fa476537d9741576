using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Tests.Support;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Chat;

public sealed class LocalChatClientSpec
{
    private static readonly ChatMessage[] OnceUponATime = [new(ChatRole.User, "Once upon a time")];

    private static LocalChatClient Client() => new(TestModels.Stories);

    [Fact]
    public async Task Greedy_completion_matches_llama_cpp_and_reports_usage()
    {
        var golden = TestModels.Golden().Cases[0];

        var response = await Client().GetResponseAsync(OnceUponATime, new ChatOptions { MaxOutputTokens = 48, Temperature = 0 });

        response.Text.Should().Be(golden.OutputText);
        response.FinishReason.Should().Be(ChatFinishReason.Length);
        response.Usage!.InputTokenCount.Should().Be(5);
        response.Usage.OutputTokenCount.Should().Be(48);
        response.Usage.TotalTokenCount.Should().Be(53);
        response.ModelId.Should().Be("stories260K");
    }

    [Fact]
    public async Task Streaming_yields_pieces_that_join_to_the_whole_answer()
    {
        var options = new ChatOptions { MaxOutputTokens = 30 };
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in Client().GetStreamingResponseAsync(OnceUponATime, options)) updates.Add(u);

        updates.Count.Should().BeGreaterThan(10);
        string.Concat(updates.Select(u => u.Text)).Should().Be((await Client().GetResponseAsync(OnceUponATime, options)).Text);
        updates[^1].FinishReason.Should().Be(ChatFinishReason.Length);
        updates[^1].Contents.OfType<UsageContent>().Single().Details.OutputTokenCount.Should().Be(30);
    }

    [Fact]
    public async Task A_stop_string_ends_the_answer_before_it()
    {
        var response = await Client().GetResponseAsync(OnceUponATime, new ChatOptions { MaxOutputTokens = 48, StopSequences = ["Lily"] });

        response.Text.Should().Be(", there was a little girl named ");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.OutputTokenCount.Should().BeLessThan(48);
    }

    [Fact]
    public async Task The_same_seed_samples_the_same_story_and_another_seed_a_different_one()
    {
        ChatOptions Options(long seed) => new() { MaxOutputTokens = 40, Temperature = 1.0f, TopK = 40, TopP = 0.95f, Seed = seed };

        var a = await Client().GetResponseAsync(OnceUponATime, Options(42));
        var b = await Client().GetResponseAsync(OnceUponATime, Options(42));
        var others = new List<string>();
        for (var seed = 1; seed <= 3; seed++) others.Add((await Client().GetResponseAsync(OnceUponATime, Options(seed))).Text);

        b.Text.Should().Be(a.Text);
        others.Should().Contain(t => t != a.Text);
    }

    [Fact]
    public async Task Cancellation_is_honoured_between_tokens()
    {
        using var cts = new CancellationTokenSource();
        var received = 0;

        var act = async () =>
        {
            await foreach (var _ in Client().GetStreamingResponseAsync(OnceUponATime, new ChatOptions { MaxOutputTokens = 200 }, cts.Token))
            {
                received++;
                cts.Cancel();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        received.Should().Be(1);
    }

    [Fact]
    public async Task A_stop_token_ends_the_answer_with_a_stop_reason()
    {
        // stories260K (llama2.c) marks the end of a story with BOS; a sampled story ends well within 1,000 tokens.
        var options = new ChatOptions { MaxOutputTokens = 1000, Temperature = 0.8f, Seed = 5 };
        using var client = new LocalChatClient(TestModels.Stories, extraStopTokens: [TestModels.StoriesBos]);

        var stopped = await client.GetResponseAsync(OnceUponATime, options);
        var unstopped = await Client().GetResponseAsync(OnceUponATime, options);

        stopped.FinishReason.Should().Be(ChatFinishReason.Stop);
        stopped.Usage!.OutputTokenCount.Should().BeLessThan(1000, "the story's tokens and the stop token");
        unstopped.FinishReason.Should().Be(ChatFinishReason.Length);
        unstopped.Text.Should().StartWith(stopped.Text);
        unstopped.Text.Length.Should().BeGreaterThan(stopped.Text.Length);
    }

    [Fact]
    public async Task Frequency_and_presence_penalties_change_the_greedy_story_deterministically()
    {
        var options = new ChatOptions { MaxOutputTokens = 48, FrequencyPenalty = 1.0f, PresencePenalty = 0.5f };

        var penalised = await Client().GetResponseAsync(OnceUponATime, options);
        var again = await Client().GetResponseAsync(OnceUponATime, options);

        penalised.Text.Should().NotBe(TestModels.Golden().Cases[0].OutputText);
        again.Text.Should().Be(penalised.Text);
    }

    [Fact]
    public async Task Min_p_and_top_k_with_a_seed_sample_reproducibly()
    {
        var options = new ChatOptions { MaxOutputTokens = 40, Temperature = 1.2f, TopK = 20, Seed = 7, AdditionalProperties = new() { ["min_p"] = 0.05 } };

        var a = await Client().GetResponseAsync(OnceUponATime, options);
        var b = await Client().GetResponseAsync(OnceUponATime, options);

        a.Text.Should().NotBeEmpty().And.Be(b.Text);
    }

    [Fact]
    public async Task A_prompt_that_fills_the_context_is_refused_before_decoding()
    {
        var longPrompt = string.Concat(Enumerable.Repeat("Once upon a time ", 1000));

        var act = () => Client().GetResponseAsync([new ChatMessage(ChatRole.User, longPrompt)]);

        await act.Should().ThrowAsync<ContextFullException>().Where(e => e.ContextLength == 2048);
    }

    [Fact]
    public async Task Zero_max_tokens_returns_an_empty_answer()
    {
        var response = await Client().GetResponseAsync(OnceUponATime, new ChatOptions { MaxOutputTokens = 0 });

        response.Text.Should().BeEmpty();
        response.Usage!.OutputTokenCount.Should().Be(0);
    }

    [Fact]
    public void Exposes_its_metadata_and_model()
    {
        using var client = Client();

        client.GetService<ChatClientMetadata>()!.ProviderName.Should().Be("local");
        client.GetService<LlmSpell.Llm.Local.Engine.LocalModel>().Should().BeSameAs(TestModels.Stories);
    }

    [Fact]
    public async Task A_repeat_penalty_changes_the_greedy_story_deterministically()
    {
        var options = new ChatOptions { MaxOutputTokens = 48, AdditionalProperties = new() { ["repeat_penalty"] = 1.5 } };

        var penalised = await Client().GetResponseAsync(OnceUponATime, options);
        var again = await Client().GetResponseAsync(OnceUponATime, options);

        penalised.Text.Should().NotBe(TestModels.Golden().Cases[0].OutputText);
        again.Text.Should().Be(penalised.Text);
    }
}
