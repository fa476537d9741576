namespace LlmSpell.Llm;

/// <summary>A model named as <c>provider/model</c> (e.g. <c>ollama/llama3.2:3b</c>); a bare name means Ollama.</summary>
public sealed record ModelSpec(string Provider, string Model)
{
    public const string DefaultProvider = "ollama";

    /// <summary>Parses <c>provider/model</c>; only the first '/' separates, so model names may contain '/'.</summary>
    public static ModelSpec Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
            throw new FormatException("A model spec must not be empty; use 'provider/model', e.g. 'ollama/llama3.2:3b'.");
        var trimmed = spec.Trim();
        var slash = trimmed.IndexOf('/');
        if (slash < 0) return new ModelSpec(DefaultProvider, trimmed);
        var provider = trimmed[..slash].ToLowerInvariant();
        var model = trimmed[(slash + 1)..];
        if (provider.Length == 0 || model.Length == 0)
            throw new FormatException($"Model spec '{spec}' is incomplete; use 'provider/model', e.g. 'ollama/llama3.2:3b'.");
        return new ModelSpec(provider, model);
    }

    public override string ToString() => $"{Provider}/{Model}";
}
