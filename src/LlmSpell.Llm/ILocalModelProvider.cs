using Microsoft.Extensions.AI;

namespace LlmSpell.Llm;

/// <summary>
/// Serves <c>local/…</c> model specs in-process (implemented by LlmSpell.Llm.Local, which references this assembly;
/// register it with <see cref="LlmProviderOptions.WithLocalModels"/>).
/// </summary>
public interface ILocalModelProvider
{
    /// <summary>
    /// The client for <paramref name="model"/>: a path to a <c>.gguf</c> file (absolute or relative to the current
    /// directory) or a name looked up as <c>&lt;name&gt;.gguf</c> in <paramref name="modelsDirectory"/>. Throws
    /// <see cref="LlmModelNotFoundException"/> saying where it looked when there is no such file.
    /// </summary>
    IChatClient GetClient(string model, string modelsDirectory);
}
