namespace LlmSpell.Llm.Local.Inference;

/// <summary>The session's KV cache has no room for another token.</summary>
public sealed class ContextFullException(int contextLength)
    : Exception($"The context is full ({contextLength} tokens). Start a new session, shorten the prompt, or ask for fewer tokens.")
{
    public int ContextLength { get; } = contextLength;
}
