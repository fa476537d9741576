namespace LlmSpell.Llm.Tests.Live;

/// <summary>A fact that runs only with <c>LLMSPELL_LIVE_OLLAMA=1</c>; otherwise it is reported as skipped, never failed.</summary>
public sealed class LiveOllamaFactAttribute : FactAttribute
{
    public const string Switch = "LLMSPELL_LIVE_OLLAMA";

    public LiveOllamaFactAttribute()
    {
        if (!Enabled) Skip = $"Live Ollama checks are opt-in: set {Switch}=1 (and OLLAMA_HOST if Ollama is not on 127.0.0.1:11434).";
    }

    public static bool Enabled => Environment.GetEnvironmentVariable(Switch) == "1";

    /// <summary>The chat model to use: <c>LLMSPELL_LIVE_MODEL</c>, default <c>llama3.2:3b</c> (pulled if missing).</summary>
    public static string Model => Environment.GetEnvironmentVariable("LLMSPELL_LIVE_MODEL") is { Length: > 0 } m ? m : "llama3.2:3b";

    /// <summary>An embedding model, if <c>LLMSPELL_LIVE_EMBED_MODEL</c> names one.</summary>
    public static string? EmbedModel => Environment.GetEnvironmentVariable("LLMSPELL_LIVE_EMBED_MODEL") is { Length: > 0 } m ? m : null;
}
