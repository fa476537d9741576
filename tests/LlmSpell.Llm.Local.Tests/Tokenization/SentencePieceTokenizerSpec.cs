using LlmSpell.Llm.Local.Tests.Support;
using LlmSpell.Llm.Local.Tokenization;

namespace LlmSpell.Llm.Local.Tests.Tokenization;

public sealed class SentencePieceTokenizerSpec
{
    private static ITokenizer Tokenizer => TestModels.Stories.Tokenizer;

    private static Vocabulary Vocab => TestModels.Stories.Vocabulary;

    [Fact]
    public void Starts_with_BOS_and_prefixes_a_space()
    {
        var ids = Tokenizer.Encode("Once upon a time");

        ids[0].Should().Be(1);
        Vocab.Tokens[ids[1]].Should().StartWith("\u2581");
    }

    [Fact]
    public void Leaves_BOS_out_when_asked()
    {
        Tokenizer.Encode("Once upon a time", addBos: false).Should().Equal(Tokenizer.Encode("Once upon a time").Skip(1));
    }

    [Fact]
    public void An_empty_text_is_just_BOS()
    {
        Tokenizer.Encode("").Should().Equal(1);
    }

    [Fact]
    public void Characters_outside_the_vocabulary_fall_back_to_their_UTF8_bytes()
    {
        var ids = Tokenizer.Encode("😀", addBos: false);

        var bytes = "😀"u8.ToArray();
        ids.Should().EndWith(bytes.Select(b => Vocab.ByteToken(b)));
        ids.Should().OnlyContain(id => id >= 0);
        bytes.Select(b => Vocab.Tokens[Vocab.ByteToken(b)]).Should().Equal("<0xF0>", "<0x9F>", "<0x98>", "<0x80>");
    }

    [Fact]
    public void A_newline_becomes_its_byte_token()
    {
        Tokenizer.Encode("a\nb", addBos: false).Should().Contain(Vocab.ByteToken((byte)'\n'));
        Vocab.Tokens[Vocab.ByteToken((byte)'\n')].Should().Be("<0x0A>");
    }

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("Tim had a red ball.\nThe end.")]
    [InlineData("Café déjà vu, naïve señor")]
    [InlineData("Emoji 😀🐶 and 漢字 too")]
    [InlineData("  two leading spaces and trailing  ")]
    public void Round_trips_through_detokenisation(string text)
    {
        var ids = Tokenizer.Encode(text);

        StreamingDetokenizer.Decode(Vocab, ids).Should().Be(text);
    }

    [Fact]
    public void Merges_the_highest_scoring_pair_first()
    {
        // A hand-made vocabulary where "ab" outscores "bc": "abc" must become [ab, c], not [a, bc].
        string[] tokens = ["<unk>", "<s>", "</s>", "a", "b", "c", "ab", "bc", "\u2581"];
        float[] scores = [0, 0, 0, -1, -1, -1, -2, -3, -1];
        TokenType[] types = [TokenType.Unknown, TokenType.Control, TokenType.Control, .. Enumerable.Repeat(TokenType.Normal, 6)];
        var vocab = new Vocabulary(tokens, scores, types, bos: 1, eos: 2, unknown: 0, addBos: false, addSpacePrefix: false);
        var tokenizer = new SentencePieceTokenizer(vocab);

        tokenizer.Encode("abc").Select(i => tokens[i]).Should().Equal("ab", "c");
        scores[7] = -1.5f;
        new SentencePieceTokenizer(new Vocabulary(tokens, scores, types, 1, 2, 0, false, false))
            .Encode("abc").Select(i => tokens[i]).Should().Equal("a", "bc");
    }

    [Fact]
    public void Without_byte_tokens_unknown_characters_become_unk()
    {
        string[] tokens = ["<unk>", "<s>", "</s>", "a"];
        var vocab = new Vocabulary(tokens, [0, 0, 0, -1], [TokenType.Unknown, TokenType.Control, TokenType.Control, TokenType.Normal], 1, 2, 0, false, false);

        new SentencePieceTokenizer(vocab).Encode("aé").Should().Equal(3, 0, 0);
    }
}
