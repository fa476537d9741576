namespace LlmSpell.Llm.Local.Chat;

/// <summary>The prompt leaves no room in a sequence's context for an answer.</summary>
public sealed class ContextFullException(int contextLength)
    : Exception($"The context is full ({contextLength} tokens). Start a new session, shorten the prompt, or ask for fewer tokens.")
{
    public int ContextLength { get; } = contextLength;
}
