using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Pricing;

/// <summary>Turns token usage into USD with a <see cref="PriceTable"/>; models the table does not know cost 0.</summary>
public sealed class CostCalculator(PriceTable prices)
{
    public static readonly CostCalculator Default = new(PriceTable.Default);

    public PriceTable Prices { get; } = prices ?? throw new ArgumentNullException(nameof(prices));

    public decimal CostUsd(ModelSpec model, long inputTokens, long outputTokens) =>
        Prices.Find(model)?.CostOf(inputTokens, outputTokens) ?? 0m;

    public decimal CostUsd(ModelSpec model, UsageDetails? usage) =>
        usage is null ? 0m : CostUsd(model, usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0);

    /// <summary>Whether the table has a price (possibly zero) for <paramref name="model"/>.</summary>
    public bool IsPriced(ModelSpec model) => Prices.Find(model) is not null;
}
