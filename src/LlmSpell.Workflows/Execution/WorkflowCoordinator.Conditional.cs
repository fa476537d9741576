using System.Text.Json.Nodes;
using LlmSpell.Workflows.Conditions;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Execution;

// Conditional: content-based routing. Data conditions are evaluated here; classification asks an
// agent (as a step, with its retries and timeout) to choose among the branch labels.
internal sealed partial class WorkflowCoordinator
{
    private const string ClassifyStepName = "classify";

    private void StartConditional()
    {
        var classifiers = _definition.Branches
            .Select(b => (Branch: b, Classify: FindClassify(b.Condition)))
            .Where(x => x.Classify is not null)
            .ToArray();
        if (classifiers.Length == 0)
        {
            SelectBranches(null);
            return;
        }
        var (branch, first) = (classifiers[0].Branch, classifiers[0].Classify!);
        var labels = classifiers.Select(x => x.Classify!.Label ?? x.Branch.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        string input;
        try
        {
            input = first.Input is null ? Template.ToText(_scope.Input) : Template.Render(first.Input, _scope);
        }
        catch (TemplateReferenceException ex)
        {
            Finish(RunStatus.Failed, null, $"branch '{branch.Name}': the input of its classify condition cannot be rendered: {ex.Message}{NoInputHint(ex.Path)}");
            return;
        }
        var prompt =
            $"Classify the input into exactly one of these categories: {string.Join(", ", labels)}.\n" +
            (first.Instructions is null ? "" : first.Instructions + "\n") +
            "Answer with the category name only.\n\nInput:\n" + input;
        var step = new StepDefinition
        {
            Name = ClassifyStepName,
            Kind = StepKind.Agent,
            Agent = new AgentStepSpec { Input = prompt.Replace("{{", "{ {", StringComparison.Ordinal), Model = first.Model, AgentId = first.AgentId },
        };
        RunStep(step, Combine(_spec.Path, ClassifyStepName), result =>
        {
            if (result.Status != StepStatus.Completed)
            {
                Finish(RunStatus.Failed, null, $"classification failed: {result.Error}");
                return;
            }
            SelectBranches(MatchLabel(Template.ToText(result.Output), labels));
        });
    }

    private static ClassifyCondition? FindClassify(Condition? condition) => condition switch
    {
        ClassifyCondition c => c,
        AndCondition and => and.Conditions.Select(FindClassify).FirstOrDefault(c => c is not null),
        OrCondition or => or.Conditions.Select(FindClassify).FirstOrDefault(c => c is not null),
        NotCondition not => FindClassify(not.Inner),
        _ => null,
    };

    /// <summary>The label the model answered: an exact match first, else the first label its answer mentions.</summary>
    internal static string? MatchLabel(string answer, IReadOnlyList<string> labels)
    {
        var cleaned = answer.Trim().Trim('"', '\'', '.', '*', '`', ' ', '\n');
        var exact = labels.FirstOrDefault(l => string.Equals(l, cleaned, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return exact;
        return labels
            .Select(l => (Label: l, Index: cleaned.IndexOf(l, StringComparison.OrdinalIgnoreCase)))
            .Where(x => x.Index >= 0)
            .OrderBy(x => x.Index)
            .ThenByDescending(x => x.Label.Length)
            .Select(x => x.Label)
            .FirstOrDefault();
    }

    private void SelectBranches(string? classifiedLabel)
    {
        var matching = new List<BranchDefinition>();
        foreach (var branch in _definition.Branches.Where(b => !b.IsDefault && b.Condition is not null))
        {
            try
            {
                if (ConditionEvaluator.Evaluate(branch.Condition!, _scope, classifiedLabel, branch.Name)) matching.Add(branch);
            }
            catch (ConditionEvaluationException ex)
            {
                Finish(RunStatus.Failed, null, $"branch '{branch.Name}': {ex.Message}");
                return;
            }
        }
        string reason;
        if (matching.Count > 0)
        {
            if (_definition.Config.ConditionalMode == ConditionalMode.FirstMatch) matching = [matching[0]];
            reason = classifiedLabel is null ? "condition matched" : $"classified as '{classifiedLabel}'";
        }
        else
        {
            matching = _definition.Branches.Where(b => b.IsDefault).Take(1).ToList();
            reason = matching.Count > 0 ? "no condition matched: default branch" : "no condition matched and there is no default branch";
        }
        Emit(Stamp(new BranchSelected(matching.Select(b => b.Name).ToArray(), reason)));
        foreach (var skipped in _definition.Branches.Except(matching))
            SkipRemaining(skipped.Steps, Combine(_spec.Path, skipped.Name), $"branch '{skipped.Name}' was not selected");
        RunSelectedBranches(matching, 0, new JsonObject(), null);
    }

    private void RunSelectedBranches(List<BranchDefinition> branches, int index, JsonObject outputs, JsonNode? lastOutput)
    {
        if (index >= branches.Count)
        {
            var output = _definition.Config.ConditionalMode == ConditionalMode.AllMatches ? outputs : lastOutput;
            Finish(EndStatus, output, null);
            return;
        }
        var branch = branches[index];
        var outer = _scope.BranchName;
        _scope = _scope with { BranchName = branch.Name };
        RunList(new StepList(branch.Steps, Combine(_spec.Path, branch.Name), list =>
        {
            _scope = _scope with { BranchName = outer };
            if (list.Failed)
            {
                Finish(RunStatus.Failed, null, $"branch '{branch.Name}': {list.Error}");
                return;
            }
            outputs[branch.Name] = list.LastOutput?.DeepClone();
            RunSelectedBranches(branches, index + 1, outputs, list.LastOutput);
        }));
    }
}
