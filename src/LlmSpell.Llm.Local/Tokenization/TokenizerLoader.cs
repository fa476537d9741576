using LlmSpell.Llm.Local.Gguf;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>Builds the tokenizer a GGUF file describes: SentencePiece, or byte-level BPE with its merges and pre-tokenizer.</summary>
public static class TokenizerLoader
{
    public static ITokenizer FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var vocabulary = Vocabulary.FromGguf(file);
        if (vocabulary.Model == TokenizerModel.SentencePiece) return new SentencePieceTokenizer(vocabulary);

        var md = file.Metadata;
        if (!md.Contains("tokenizer.ggml.merges"))
            throw new GgufFormatException(file.Path, "a BPE ('gpt2') tokenizer without tokenizer.ggml.merges", "Re-convert the model with a current llama.cpp convert script.");
        var pre = md.GetStringOrNull("tokenizer.ggml.pre");
        var preTokenizer = PreTokenizer.TryFor(pre)
            ?? throw new GgufFormatException(file.Path, $"tokenizer.ggml.pre is '{pre}', a pre-tokenizer this runtime does not know",
                $"Supported: {string.Join(", ", PreTokenizer.Names.Order(StringComparer.Ordinal))}. Use a Llama 3, Qwen2 or SmolLM model, or report the name.");
        try
        {
            return new BpeTokenizer(vocabulary, md.GetArray("tokenizer.ggml.merges").AsStrings(), preTokenizer);
        }
        catch (ArgumentException ex)
        {
            throw new GgufFormatException(file.Path, $"tokenizer.ggml.merges is malformed: {ex.Message}", "Re-convert the model.", ex);
        }
    }
}
