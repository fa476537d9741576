using LlmSpell.Llm.Pricing;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Tests.Pricing;

public sealed class CostCalculatorSpec
{
    private readonly CostCalculator _costs = CostCalculator.Default;

    [Fact]
    public void Ollama_models_cost_nothing()
    {
        _costs.CostUsd(ModelSpec.Parse("ollama/llama3.2:3b"), 1_000_000, 1_000_000).Should().Be(0m);
        _costs.IsPriced(ModelSpec.Parse("llama3.2:3b")).Should().BeTrue();
    }

    [Fact]
    public void Paid_models_cost_their_per_million_prices()
    {
        // gpt-4o-mini: 0.15 in, 0.60 out per 1M tokens.
        _costs.CostUsd(ModelSpec.Parse("openai/gpt-4o-mini"), 1000, 500).Should().Be(0.00015m + 0.0003m);
        _costs.CostUsd(ModelSpec.Parse("openai/gpt-4o-mini"), new UsageDetails { InputTokenCount = 2_000_000, OutputTokenCount = 0 }).Should().Be(0.30m);
    }

    [Fact]
    public void Dated_variants_take_the_longest_matching_price()
    {
        var table = PriceTable.Default;

        table.Find(ModelSpec.Parse("openai/gpt-4o-2024-08-06")).Should().Be(table.Find(ModelSpec.Parse("openai/gpt-4o")));
        table.Find(ModelSpec.Parse("openai/gpt-4o-mini-2024-07-18")).Should().Be(new ModelPrice(0.15m, 0.60m));
        table.Find(ModelSpec.Parse("openai/gpt-4otherwise")).Should().BeNull("a prefix counts only up to a separator");
    }

    [Fact]
    public void Unknown_models_cost_zero_and_tables_can_be_extended()
    {
        var spec = ModelSpec.Parse("vllm/qwen2.5-72b");
        _costs.CostUsd(spec, 1000, 1000).Should().Be(0m);
        _costs.IsPriced(spec).Should().BeFalse();

        var table = PriceTable.Default.WithPrice("vllm/qwen2.5-72b", 1m, 2m).WithPrice("mistral-large", 2m, 6m);
        new CostCalculator(table).CostUsd(spec, 1_000_000, 500_000).Should().Be(2m);
        new CostCalculator(table).CostUsd(ModelSpec.Parse("openai/mistral-large-2411"), 1_000_000, 0).Should().Be(2m);
        new CostCalculator(table.WithFreeProvider("vllm")).CostUsd(spec, 1_000_000, 1_000_000).Should().Be(0m);
    }
}
