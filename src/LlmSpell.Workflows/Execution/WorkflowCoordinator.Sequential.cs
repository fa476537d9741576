namespace LlmSpell.Workflows.Execution;

// Sequential: a pipeline; every output lands in the scope and is visible to later steps.
internal sealed partial class WorkflowCoordinator
{
    private void StartSequential() =>
        RunList(new StepList(_definition.Steps, _spec.Path, list =>
        {
            if (list.Failed) Finish(Results.RunStatus.Failed, null, list.Error);
            else Finish(EndStatus, list.LastOutput, null);
        }));
}
