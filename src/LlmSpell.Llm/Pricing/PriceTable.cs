using System.Collections.Immutable;

namespace LlmSpell.Llm.Pricing;

/// <summary>
/// Model → price. Keys are <c>provider/model</c> or a bare model name (any provider); a key also prices the model's dated or
/// tagged variants (<c>gpt-4o</c> prices <c>gpt-4o-2024-08-06</c>; the longest matching key wins, so <c>gpt-4o-mini</c> keeps
/// its own price). Every model of a free provider (Ollama, and <c>local</c>: the in-process engine) costs nothing.
/// </summary>
public sealed record PriceTable
{
    /// <summary>No prices; only the free providers.</summary>
    public static readonly PriceTable Empty = new();

    /// <summary>
    /// OpenAI list prices at the time of writing (USD per 1M tokens, standard tier); check and override them with
    /// <see cref="WithPrice"/>. Ollama is free.
    /// </summary>
    public static readonly PriceTable Default = Empty
        .WithPrice("openai/gpt-5", 1.25m, 10.00m)
        .WithPrice("openai/gpt-5-mini", 0.25m, 2.00m)
        .WithPrice("openai/gpt-5-nano", 0.05m, 0.40m)
        .WithPrice("openai/gpt-4.1", 2.00m, 8.00m)
        .WithPrice("openai/gpt-4.1-mini", 0.40m, 1.60m)
        .WithPrice("openai/gpt-4.1-nano", 0.10m, 0.40m)
        .WithPrice("openai/gpt-4o", 2.50m, 10.00m)
        .WithPrice("openai/gpt-4o-mini", 0.15m, 0.60m)
        .WithPrice("openai/gpt-4-turbo", 10.00m, 30.00m)
        .WithPrice("openai/gpt-3.5-turbo", 0.50m, 1.50m)
        .WithPrice("openai/o3", 2.00m, 8.00m)
        .WithPrice("openai/o3-mini", 1.10m, 4.40m)
        .WithPrice("openai/o4-mini", 1.10m, 4.40m);

    public ImmutableDictionary<string, ModelPrice> Prices { get; init; } = ImmutableDictionary.Create<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    public ImmutableHashSet<string> FreeProviders { get; init; } = ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, LlmProviderOptions.OllamaProvider, LlmProviderOptions.LocalProvider);

    /// <summary>Sets the price of <paramref name="model"/> (<c>provider/model</c>, or a bare name for any provider).</summary>
    public PriceTable WithPrice(string model, decimal inputPerMillion, decimal outputPerMillion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (inputPerMillion < 0 || outputPerMillion < 0) throw new ArgumentOutOfRangeException(nameof(inputPerMillion), "Prices must not be negative.");
        return this with { Prices = Prices.SetItem(model.Trim(), new ModelPrice(inputPerMillion, outputPerMillion)) };
    }

    /// <summary>Makes every model of <paramref name="provider"/> free (e.g. a local vLLM endpoint).</summary>
    public PriceTable WithFreeProvider(string provider) => this with { FreeProviders = FreeProviders.Add(provider) };

    /// <summary>The price of <paramref name="model"/>, or null when the table does not know it.</summary>
    public ModelPrice? Find(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (FreeProviders.Contains(model.Provider)) return ModelPrice.Free;
        var qualified = model.ToString();
        if (Prices.TryGetValue(qualified, out var exact) || Prices.TryGetValue(model.Model, out exact)) return exact;

        // Dated or tagged variants: the longest key that is a prefix up to a '-', ':' or '@'.
        ModelPrice? best = null;
        var bestLength = 0;
        foreach (var (key, price) in Prices)
        {
            var candidate = key.Contains('/') ? qualified : model.Model;
            if (key.Length > bestLength && candidate.Length > key.Length && candidate.StartsWith(key, StringComparison.OrdinalIgnoreCase)
                && candidate[key.Length] is '-' or ':' or '@')
            {
                best = price;
                bestLength = key.Length;
            }
        }
        return best;
    }
}
