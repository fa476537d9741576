namespace LlmSpell.Llm.Local.Download;

/// <summary>A model <c>llmspell models pull local/&lt;name&gt;</c> knows: where its GGUF file is, and its SHA-256 when pinned.</summary>
public sealed record CatalogModel(string Name, Uri Url, string? Sha256, string Description);
