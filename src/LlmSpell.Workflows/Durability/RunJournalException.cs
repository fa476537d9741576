namespace LlmSpell.Workflows.Durability;

/// <summary>A durable run's journal could not be written or read; the message names the run and says what to do.</summary>
public sealed class RunJournalException(string message, Exception? inner = null) : Exception(message, inner);
