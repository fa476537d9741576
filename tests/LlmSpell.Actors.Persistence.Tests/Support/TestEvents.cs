namespace LlmSpell.Actors.Persistence.Tests.Support;

/// <summary>An event of the journal specs.</summary>
public sealed record Added(int Value);

/// <summary>A snapshot of the snapshot-store specs.</summary>
public sealed record CounterSnapshot(int Total, int Count);
