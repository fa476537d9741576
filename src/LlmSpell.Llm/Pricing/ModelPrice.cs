namespace LlmSpell.Llm.Pricing;

/// <summary>What a model costs, in USD per million input and output tokens.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    /// <summary>Local models: no charge per token.</summary>
    public static readonly ModelPrice Free = new(0m, 0m);

    public decimal CostOf(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000m;
}
