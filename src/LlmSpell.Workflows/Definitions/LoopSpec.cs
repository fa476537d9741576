using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions;

/// <summary>How a loop iterates, when it stops, and what it returns.</summary>
public sealed record LoopSpec
{
    public required LoopIterator Iterator { get; init; }

    /// <summary>Checked after every iteration; true stops the loop.</summary>
    public Condition? BreakWhen { get; init; }

    /// <summary>Hard cap on iterations for every iterator (always enforced).</summary>
    public int MaxIterations { get; init; } = 100;

    public LoopAggregation Aggregation { get; init; } = LoopAggregation.CollectAll;

    /// <summary>For <see cref="LoopAggregation.FirstN"/> and <see cref="LoopAggregation.LastN"/>.</summary>
    public int AggregationCount { get; init; }

    public TimeSpan DelayBetweenIterations { get; init; } = TimeSpan.Zero;
}

/// <summary>What a loop iterates over.</summary>
public abstract record LoopIterator;

/// <summary>start ≤ i &lt; end (or start ≥ i &gt; end for a negative step).</summary>
public sealed record RangeIterator(long Start, long End, long Step) : LoopIterator;

/// <summary>Each element of a collection: a literal array, or a path to one (input, state, a step's output).</summary>
public sealed record ForEachIterator : LoopIterator
{
    public JsonArray? Items { get; init; }
    public DataPath? Source { get; init; }
}

/// <summary>While the condition holds, checked before each iteration.</summary>
public sealed record WhileIterator(Condition Condition) : LoopIterator;

/// <summary>What a loop's output is.</summary>
public enum LoopAggregation
{
    CollectAll,
    Last,
    FirstN,
    LastN,
    None,
}
