using LlmSpell.Actors.Persistence;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Makes a <see cref="Execution.WorkflowEngine"/> durable: every run's events go to <see cref="Journal"/>
/// (persistence id <c>run-&lt;id&gt;</c>) before the engine acts on them, and unfinished runs resume from it.
/// </summary>
public sealed record DurableRunOptions
{
    public DurableRunOptions(IJournal journal)
    {
        Journal = journal ?? throw new ArgumentNullException(nameof(journal));
    }

    public IJournal Journal { get; init; }

    /// <summary>Whether the engine resumes every unfinished run of the journal when it starts (default true).</summary>
    public bool ResumeOnStart { get; init; } = true;

    public DurableRunOptions WithResumeOnStart(bool resumeOnStart) => this with { ResumeOnStart = resumeOnStart };
}
