using Microsoft.Extensions.AI;

namespace LlmSpell.Llm;

/// <summary>Resolves a model spec (<c>ollama/llama3.2:3b</c>) to the <see cref="IChatClient"/> that serves it.</summary>
public interface IChatClientProvider
{
    /// <summary>The client for <paramref name="model"/>; throws with what to configure when no provider serves it.</summary>
    IChatClient GetClient(ModelSpec model);
}
