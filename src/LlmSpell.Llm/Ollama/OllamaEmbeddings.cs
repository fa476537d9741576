namespace LlmSpell.Llm.Ollama;

/// <summary>The vectors <c>/api/embed</c> returned, one per input, and the tokens it read.</summary>
public sealed record OllamaEmbeddings(string Model, IReadOnlyList<float[]> Vectors, long? PromptEvalCount);
