using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions.Validation;

namespace LlmSpell.Workflows.Definitions;

/// <summary>
/// Semantic checks of a workflow definition, however it was made (parsed, or built in code by Lua or a
/// builder): steps and branches present, unique step names, references to known steps and in scope,
/// named workflows that exist and do not call each other in a cycle, sane limits and timeouts.
/// </summary>
public static class WorkflowValidator
{
    /// <summary>Every problem found; empty when the definition is valid. Paths are synthesized from the model (<c>$.steps[2].input</c>).</summary>
    public static IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition) =>
        new ValidationPass(paths: null).Run(definition);

    /// <summary>
    /// As <see cref="Validate(WorkflowDefinition)"/>, and every tool a step names must be in <paramref name="tools"/>:
    /// a misspelt tool is found before any step runs (and spends tokens), not when its turn comes.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition, IToolRegistry tools) =>
        new ValidationPass(paths: null, tools).Run(definition);
}
