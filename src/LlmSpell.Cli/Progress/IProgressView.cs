using LlmSpell.Workflows.Events;

namespace LlmSpell.Cli.Progress;

/// <summary>Shows a run's progress while it runs; disposing it finishes the display.</summary>
internal interface IProgressView : IProgress<WorkflowEvent>, IAsyncDisposable;
