namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>The tokenizer family a GGUF file names in <c>tokenizer.ggml.model</c>.</summary>
public enum TokenizerModel
{
    /// <summary>"llama": SentencePiece with scores, '▁' for spaces and byte-fallback tokens.</summary>
    SentencePiece,

    /// <summary>"gpt2": byte-level BPE with ranked merges and a regex pre-tokenizer.</summary>
    BytePairEncoding,
}
