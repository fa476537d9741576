using System.Text;
using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Tests.Support;
using LlmSpell.Llm.Local.Tokenization;

namespace LlmSpell.Llm.Local.Tests.Tokenization;

public sealed class BpeTokenizerSpec
{
    private static List<string> Pieces(ITokenizer tokenizer, string text, bool parseSpecial = false) =>
        tokenizer.Encode(text, addBos: false, parseSpecial).Select(id => tokenizer.Vocabulary.Tokens[id]).ToList();

    private static ITokenizer Gpt2 => new BpeModelFile().Load();

    [Fact]
    public void Maps_bytes_to_printable_characters_as_GPT2_does()
    {
        ByteLevelEncoding.ToChar((byte)' ').Should().Be('Ġ');
        ByteLevelEncoding.ToChar((byte)'\n').Should().Be('Ċ');
        ByteLevelEncoding.ToChar((byte)'a').Should().Be('a');
        ByteLevelEncoding.ToChar(0).Should().Be('\u0100');
        ByteLevelEncoding.ToChar(0xAD).Should().Be('\u0143', "0xAD (soft hyphen) is the last non-printable byte: 256 + 67");
        Enumerable.Range(0, 256).Select(b => ByteLevelEncoding.ToChar((byte)b)).Distinct().Should().HaveCount(256);
        ByteLevelEncoding.Decode(ByteLevelEncoding.Encode("é 😀")).Should().Equal(Encoding.UTF8.GetBytes("é 😀"));
    }

    [Fact]
    public void Merges_by_rank_and_writes_a_leading_space_as_G_with_a_dot()
    {
        Pieces(Gpt2, "hello world").Should().Equal("hello", "Ġworld");
        Pieces(Gpt2, "hello  world").Should().Equal("hello", "Ġ", "Ġworld");
    }

    [Fact]
    public void The_lower_rank_merge_wins_and_ties_merge_leftmost_first()
    {
        // "b c" is ranked above "a b": abc = a + bc. Swapping the ranks gives ab + c.
        Pieces(Gpt2, "abc").Should().Equal("a", "bc");
        var swapped = new BpeModelFile();
        swapped.Merges.Remove("a b");
        swapped.Merges.Insert(swapped.Merges.IndexOf("b c"), "a b");
        Pieces(swapped.Load(), "abc").Should().Equal("ab", "c");
        // "l l" in "llll" applies leftmost first, twice.
        Pieces(Gpt2, "llll").Should().Equal("ll", "ll");
        Pieces(Gpt2, "lll").Should().Equal("ll", "l");
    }

    [Fact]
    public void Follows_the_merge_queue_when_a_merge_creates_a_better_pair()
    {
        // Hand-made ranks no trained vocabulary has: "xy x" outranks "x y", which creates it. The queue takes the new
        // "xy x" before the second "x y", so "xyxy" = xyx + y (merging every "x y" first, as GPT-2's Python does, gives xy + xy).
        var file = new BpeModelFile();
        file.Merges.Clear();
        file.Merges.AddRange(["xy x", "x y"]);
        var tokenizer = file.Load();
        Pieces(tokenizer, "xyxy").Should().Equal("xyx", "y");
    }

    [Fact]
    public void Writes_non_ASCII_characters_as_their_UTF8_bytes()
    {
        // é is C3 A9: 'Ã' '©', merged; 漢 (E6 BC A2) has no merges: three byte tokens.
        Pieces(Gpt2, "é").Should().Equal("Ã©");
        Pieces(Gpt2, "漢").Should().Equal("æ", "¼", "¢");
        // 😀 is F0 9F 98 80: 9F and 80 are not printable, so they map past U+0100.
        Pieces(Gpt2, "😀").Should().Equal("ð", ByteLevelEncoding.ToChar(0x9F).ToString(), ByteLevelEncoding.ToChar(0x98).ToString(), ByteLevelEncoding.ToChar(0x80).ToString());
        ByteLevelEncoding.ToChar(0x80).Should().Be('\u0122', "bytes 0..32 take U+0100..U+0120, then 127.. follow from U+0121");
    }

    [Theory]
    [InlineData("gpt-2", "1234", new[] { "12", "3", "4" })]
    [InlineData("smollm", "1234", new[] { "1", "2", "3", "4" })]
    [InlineData("llama-bpe", "1234", new[] { "12", "3", "4" })]
    [InlineData("llama-bpe", "12341", new[] { "12", "3", "4", "1" })]
    [InlineData("qwen2", "1234", new[] { "1", "2", "3", "4" })]
    [InlineData("gpt-2", "hello\n\nworld", new[] { "hello", "Ċ", "Ċ", "w", "or", "ld" })]
    [InlineData("llama-bpe", "hello\n\nworld", new[] { "hello", "ĊĊ", "w", "or", "ld" })]
    [InlineData("qwen2", "hello\n\nworld", new[] { "hello", "ĊĊ", "w", "or", "ld" })]
    [InlineData("gpt-2", "IT'S", new[] { "I", "T", "'", "S" })]
    [InlineData("llama-bpe", "IT'S", new[] { "I", "T", "'S" })]
    [InlineData("gpt-2", "xyz", new[] { "x", "y", "z" })]
    [InlineData("llama-bpe", "xyz", new[] { "xyz" })]
    [InlineData("qwen2", "xyz", new[] { "x", "y", "z" })]
    [InlineData("default", "12345", new[] { "12", "3", "4", "5" })]
    public void Splits_words_with_the_regex_the_pre_tokenizer_names(string pre, string text, string[] expected)
    {
        // gpt-2 keeps digits together; smollm and qwen2 split each digit; llama3 groups up to three. Llama 3 and Qwen2 keep
        // a run of newlines together and match contractions in any case; Llama 3 takes a whole word that is a token as is.
        Pieces(new BpeModelFile { Pre = pre }.Load(), text).Should().Equal(expected);
    }

    [Fact]
    public void A_trailing_run_of_spaces_before_a_word_leaves_one_space_for_the_word()
    {
        // \s+(?!\S) takes all but the last space; " world" keeps its own.
        Pieces(Gpt2, "hi   world").Should().Equal("h", "i", "ĠĠ", "Ġworld");
        Pieces(Gpt2, "hi  ").Should().Equal("h", "i", "ĠĠ");
    }

    [Fact]
    public void Control_tokens_in_text_are_single_ids_only_when_parsing_special_tokens()
    {
        var file = new BpeModelFile();
        var tokenizer = file.Load();
        const string text = "<|im_start|>hello<|im_end|>";

        Pieces(tokenizer, text, parseSpecial: true).Should().Equal("<|im_start|>", "hello", "<|im_end|>");
        var plain = tokenizer.Encode(text, addBos: false);
        plain.Should().NotContain(file.IdOf("<|im_start|>")).And.NotContain(file.IdOf("<|im_end|>"));
        StreamingDetokenizer.Decode(tokenizer.Vocabulary, plain).Should().Be(text);
    }

    [Fact]
    public void User_defined_tokens_are_always_single_ids_and_decode_as_written()
    {
        var file = new BpeModelFile();
        var tokenizer = file.Load();

        var ids = tokenizer.Encode("hello<tool>world", addBos: false);

        ids.Should().Equal(file.IdOf("hello"), file.IdOf("<tool>"), file.IdOf("w"), file.IdOf("or"), file.IdOf("ld"));
        StreamingDetokenizer.Decode(tokenizer.Vocabulary, ids).Should().Be("hello<tool>world");
    }

    [Fact]
    public void Control_tokens_decode_to_nothing()
    {
        var file = new BpeModelFile();
        var tokenizer = file.Load();

        StreamingDetokenizer.Decode(tokenizer.Vocabulary, tokenizer.Encode("<|im_start|>hello<|im_end|>", addBos: false, parseSpecial: true)).Should().Be("hello");
    }

    [Fact]
    public void Adds_BOS_as_the_metadata_flag_says_with_llama_cpp_defaults_when_absent()
    {
        var withBos = new BpeModelFile { AddBos = true };
        withBos.Load().Encode("hello").Should().Equal(withBos.IdOf("<|endoftext|>"), withBos.IdOf("hello"));
        withBos.Load().Encode("hello", addBos: false).Should().Equal(withBos.IdOf("hello"));
        new BpeModelFile { AddBos = false }.Load().Encode("hello").Should().Equal(withBos.IdOf("hello"));
        // Without the flag: Llama 3 adds BOS, other BPE models do not.
        new BpeModelFile { Pre = "llama-bpe", BosToken = "<|begin_of_text|>" }.Load().Encode("hello").Should().Equal(withBos.IdOf("<|begin_of_text|>"), withBos.IdOf("hello"));
        new BpeModelFile { Pre = "qwen2" }.Load().Encode("hello").Should().Equal(withBos.IdOf("hello"));
        new BpeModelFile { AddBos = true, BosToken = null }.Load().Encode("hello").Should().Equal([withBos.IdOf("hello")], "a model without a BOS id has nothing to add");
    }

    [Theory]
    [InlineData("gpt-2")]
    [InlineData("llama-bpe")]
    [InlineData("qwen2")]
    [InlineData("smollm")]
    [InlineData("default")]
    public void Round_trips_any_text_through_detokenisation(string pre)
    {
        var tokenizer = new BpeModelFile { Pre = pre }.Load();
        const string text = "Hello, wörld! It's 2024:\n\n  café 😀🐶 漢字\ttabs  and trailing  ";

        StreamingDetokenizer.Decode(tokenizer.Vocabulary, tokenizer.Encode(text, addBos: false)).Should().Be(text);
    }

    [Fact]
    public void Streams_an_emoji_split_over_byte_tokens_as_one_character()
    {
        var tokenizer = Gpt2;
        var detokenizer = new StreamingDetokenizer(tokenizer.Vocabulary);

        tokenizer.Encode("😀 hello", addBos: false).Select(detokenizer.Append).Should().Equal("", "", "", "😀", " ", "hello");
    }

    [Fact]
    public void An_unknown_pre_tokenizer_is_an_error_naming_it_and_the_supported_ones()
    {
        var act = () => new BpeModelFile { Pre = "mystery-pre" }.Load();

        act.Should().Throw<GgufFormatException>().WithMessage("*tokenizer.ggml.pre is 'mystery-pre'*Supported:*llama-bpe*qwen2*smollm*");
    }

    [Fact]
    public void A_missing_pre_tokenizer_uses_llama_cpp_s_default()
    {
        new BpeModelFile { Pre = null }.Load().Should().BeOfType<BpeTokenizer>().Which.PreTokenizer.Family.Should().Be("default");
    }

    [Fact]
    public void A_BPE_file_without_merges_is_an_error()
    {
        var file = new BpeModelFile();
        var bytes = file.Writer().ToBytes();
        var withoutMerges = new GgufWriter()
            .Add("tokenizer.ggml.model", GgufValueType.String, "gpt2")
            .AddArray("tokenizer.ggml.tokens", GgufValueType.String, "a", "b");
        using var temp = TempFile.With(withoutMerges.ToBytes());
        using var gguf = GgufFile.Open(temp.Path);

        var act = () => TokenizerLoader.FromGguf(gguf);

        bytes.Should().NotBeEmpty();
        act.Should().Throw<GgufFormatException>().WithMessage("*without tokenizer.ggml.merges*");
    }
}
