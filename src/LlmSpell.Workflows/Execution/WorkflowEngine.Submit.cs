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
    /// The tools it names are not checked here: the engine that runs it has its own (a cluster client may have none).
    /// </summary>
    public async Task<string> SubmitAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfInvalid(WorkflowValidator.Validate(definition));
        var runId = _options.RunIdGenerator();
        var journal = new RunJournal(runId, Durable.Journal, _serializer, highestSequenceNr: 0);
        await journal.AppendAsync(StartedEvent(runId, definition, input)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>Throws when <paramref name="definition"/> is not valid here, the tools it names included.</summary>
    private void Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfInvalid(((IRunPreparer)this).Validate(definition));
    }

    private static void ThrowIfInvalid(IReadOnlyList<ValidationError> errors)
    {
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
