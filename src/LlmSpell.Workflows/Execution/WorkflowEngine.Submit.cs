using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Execution;

// Runs journaled here and run elsewhere: a client of a cluster records a run's start, and the node that owns it resumes it.
public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Validates the definition and journals the run's start (definition and input) without running it: any durable
    /// engine on the same journal can then run it with <see cref="ResumeAsync(string, CancellationToken)"/>. Returns the run id.
    /// </summary>
    public async Task<string> SubmitAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        Validate(definition);
        var runId = _options.RunIdGenerator();
        var journal = new RunJournal(runId, Durable.Journal, _serializer, highestSequenceNr: 0);
        await journal.AppendAsync(StartedEvent(runId, definition, input)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return runId;
    }

    private void Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = ((IRunPreparer)this).Validate(definition);
        if (errors.Count > 0) throw new WorkflowValidationException(errors, source: null);
    }

    IReadOnlyList<ValidationError> IRunPreparer.Validate(WorkflowDefinition definition) => WorkflowValidator.Validate(definition, _services.Tools);

    private WorkflowStarted StartedEvent(string runId, WorkflowDefinition definition, JsonNode? input) =>
        new(definition.Name, WorkflowJson.SerializeDefinition(definition), input?.DeepClone())
        {
            RunId = runId,
            Timestamp = _services.Clock.GetUtcNow(),
        };
}
