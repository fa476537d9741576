using LlmSpell.Llm.Local.Inference;
using LlmSpell.Llm.Local.Tests.Support;

namespace LlmSpell.Llm.Local.Tests.Inference;

public sealed class InferenceSessionSpec
{
    private static LlamaModel Model => TestModels.Stories;

    [Fact]
    public void Reads_the_configuration_from_metadata()
    {
        var c = Model.Config;

        (c.EmbeddingLength, c.BlockCount, c.HeadCount, c.HeadCountKv, c.FeedForwardLength, c.VocabularySize)
            .Should().Be((64, 5, 8, 4, 172, 512));
        c.HeadDimension.Should().Be(8);
        c.RopeDimensionCount.Should().Be(8);
    }

    [Fact]
    public void A_reset_session_generates_the_same_tokens_again()
    {
        var session = Model.CreateSession(64);
        var prompt = Model.Tokenizer.Encode("Tim had a red ball").ToArray();
        var first = new int[16];
        var second = new int[16];

        session.GenerateGreedy(prompt, first, 16, stopAtEos: false);
        session.Position.Should().Be(prompt.Length + 15);
        session.Reset();
        session.GenerateGreedy(prompt, second, 16, stopAtEos: false);

        second.Should().Equal(first);
    }

    [Fact]
    public void A_full_context_is_reported()
    {
        var session = Model.CreateSession(3);
        session.Forward(1);
        session.Forward(2);
        session.Forward(3);

        Action act = () => session.Forward(4);

        act.Should().Throw<ContextFullException>().Which.ContextLength.Should().Be(3);
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_rejected()
    {
        Action act = () => Model.CreateSession(4).Forward(512);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_token_loop_allocates_nothing_once_warm()
    {
        var session = Model.CreateSession(128);
        for (var i = 0; i < 40; i++) session.Forward(i + 3);
        session.Reset();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) session.Forward(i + 3);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
    }
}
