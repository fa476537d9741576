namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>Text to token ids for one vocabulary (SentencePiece or GPT-2 byte-level BPE), as llama.cpp tokenises.</summary>
public interface ITokenizer
{
    Vocabulary Vocabulary { get; }

    /// <summary>
    /// Tokenises <paramref name="text"/>: BOS first when <paramref name="addBos"/> and the model asks for it. User-defined
    /// tokens are always matched as one token; control tokens (e.g. <c>&lt;|im_end|&gt;</c>) only with <paramref name="parseSpecial"/>
    /// (a rendered chat prompt), so that user text cannot smuggle them in otherwise.
    /// </summary>
    List<int> Encode(string text, bool addBos = true, bool parseSpecial = false);
}
