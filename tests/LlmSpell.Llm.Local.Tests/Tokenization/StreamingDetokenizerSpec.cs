using System.Text;
using LlmSpell.Llm.Local.Tests.Support;
using LlmSpell.Llm.Local.Tokenization;

namespace LlmSpell.Llm.Local.Tests.Tokenization;

public sealed class StreamingDetokenizerSpec
{
    private static Vocabulary Vocab => TestModels.Stories.Vocabulary;

    [Fact]
    public void Holds_back_a_character_until_all_its_bytes_arrive()
    {
        var detokenizer = new StreamingDetokenizer(Vocab);
        var pieces = "😀"u8.ToArray().Select(b => detokenizer.Append(Vocab.ByteToken(b))).ToList();

        pieces.Should().Equal("", "", "", "😀");
    }

    [Fact]
    public void Streams_text_piece_by_piece_that_joins_to_the_whole()
    {
        const string text = "Lily saw a café 😀 and smiled.";
        var ids = TestModels.Stories.Tokenizer.Encode(text);
        var detokenizer = new StreamingDetokenizer(Vocab);
        var sb = new StringBuilder();
        foreach (var id in ids)
        {
            var piece = detokenizer.Append(id);
            piece.Should().NotContain("\uFFFD");
            sb.Append(piece);
        }

        sb.Append(detokenizer.Flush()).ToString().Should().Be(text);
    }

    [Fact]
    public void Drops_the_prefixed_space_only_from_the_first_piece()
    {
        var word = Vocab.Tokens.Select((t, i) => (t, i)).First(p => p.t.StartsWith('\u2581') && p.t.Length > 2).i;
        var detokenizer = new StreamingDetokenizer(Vocab);

        detokenizer.Append(1).Should().BeEmpty("BOS is a control token");
        detokenizer.Append(word).Should().NotStartWith(" ");
        detokenizer.Append(word).Should().StartWith(" ");
    }

    [Fact]
    public void An_incomplete_character_at_the_end_flushes_as_a_replacement_character()
    {
        var detokenizer = new StreamingDetokenizer(Vocab);
        detokenizer.Append(Vocab.ByteToken(0xF0)).Should().BeEmpty();

        detokenizer.Flush().Should().Be("\uFFFD");
    }

    [Fact]
    public void Rejects_ids_outside_the_vocabulary()
    {
        var act = () => new StreamingDetokenizer(Vocab).Append(512);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
