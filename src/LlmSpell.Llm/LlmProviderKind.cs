namespace LlmSpell.Llm;

/// <summary>The wire protocol an endpoint speaks.</summary>
public enum LlmProviderKind
{
    /// <summary>Ollama's native API (<c>/api/chat</c>, <c>/api/embed</c>, …).</summary>
    Ollama,

    /// <summary>The OpenAI chat completions API (<c>/v1/chat/completions</c>): OpenAI, vLLM, llama.cpp server, LM Studio.</summary>
    OpenAICompatible,
}
