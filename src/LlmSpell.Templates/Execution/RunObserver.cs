using LlmSpell.Workflows.Events;

namespace LlmSpell.Templates.Execution;

/// <summary>
/// Watches a run's events for what its result does not carry — branches chosen, iterations run — and passes every
/// event on to <paramref name="next"/> (a progress display).
/// </summary>
public sealed class RunObserver(IProgress<WorkflowEvent>? next = null) : IProgress<WorkflowEvent>
{
    private readonly List<string> _selectedBranches = [];

    /// <summary>Branches the top-level conditional chose (empty when it chose none, or is not conditional).</summary>
    public IReadOnlyList<string> SelectedBranches => _selectedBranches;

    /// <summary>Why the top-level conditional chose what it did.</summary>
    public string? SelectionReason { get; private set; }

    public bool BranchSelectionSeen { get; private set; }

    /// <summary>Top-level loop iterations started and completed.</summary>
    public int IterationsStarted { get; private set; }
    public int IterationsCompleted { get; private set; }

    public void Report(WorkflowEvent value)
    {
        if (value.Path.Length == 0)
        {
            switch (value)
            {
                case BranchSelected selected:
                    BranchSelectionSeen = true;
                    _selectedBranches.AddRange(selected.Branches);
                    SelectionReason = selected.Reason;
                    break;
                case IterationStarted:
                    IterationsStarted++;
                    break;
                case IterationCompleted:
                    IterationsCompleted++;
                    break;
            }
        }
        next?.Report(value);
    }
}
