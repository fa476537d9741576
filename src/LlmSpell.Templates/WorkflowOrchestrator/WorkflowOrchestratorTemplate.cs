using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Llm;
using LlmSpell.Templates.Execution;
using LlmSpell.Templates.Parameters;
using LlmSpell.Templates.Reporting;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Templates.WorkflowOrchestrator;

/// <summary>
/// <c>workflow-orchestrator</c>: runs user-defined agent and tool steps sequentially, in parallel, with conditional
/// routing (hybrid) or in a loop, and reports every step's real output.
/// </summary>
public sealed class WorkflowOrchestratorTemplate : ITemplate
{
    public const string TemplateId = "workflow-orchestrator";
    public const string DefaultModel = "ollama/llama3.2:3b";
    public const string ReportFileName = "workflow_report.md";
    public const string IntermediateFileName = "intermediate_results.json";

    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Id => TemplateId;
    public string Name => "Workflow Orchestrator";

    public string Description =>
        "Flexible AI workflow orchestration with user-defined patterns. Define custom agent and tool compositions with " +
        "parallel, sequential, hybrid (conditional) or loop execution, with state tracking and result aggregation.";

    public string Category => "workflow";
    public string Version => "0.1.0";

    public TemplateParameterSchema Parameters { get; } = new(
    [
        new TemplateParameter
        {
            Name = "workflow_config",
            Type = TemplateParameterType.Object,
            Required = true,
            Description = "Workflow configuration with steps array (minimum 1 step required); the full definition format " +
                          "(branches, conditions, loop, config) is accepted too",
            OtherConstraints = new JsonObject
            {
                ["required_keys"] = new JsonArray("steps"),
                ["min_steps"] = 1,
                ["format"] = "docs/workflow-format.md",
            },
        },
        new TemplateParameter
        {
            Name = "execution_mode",
            Type = TemplateParameterType.Enum,
            Default = "sequential",
            AllowedValues = ExecutionModes.Names,
            Description = "Workflow execution mode: sequential, parallel, hybrid (conditional routing) or loop",
        },
        new TemplateParameter
        {
            Name = "collect_intermediate",
            Type = TemplateParameterType.Boolean,
            Default = true,
            Description = "Collect intermediate results from each step",
        },
        new TemplateParameter
        {
            Name = "max_steps",
            Type = TemplateParameterType.Integer,
            Default = 10,
            Minimum = 1,
            Maximum = 100,
            Description = "Maximum workflow steps to execute (range: 1-100)",
        },
        new TemplateParameter
        {
            Name = "model",
            Type = TemplateParameterType.String,
            Default = DefaultModel,
            Description = "Default LLM model for agent steps in workflow (provider/model)",
        },
    ]);

    public async Task<TemplateResult> ExecuteAsync(IReadOnlyDictionary<string, JsonNode?> parameters, TemplateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = context.Clock.GetTimestamp();
        var p = Parameters.Bind(Id, parameters);
        var mode = ExecutionModes.TryParse(p.GetString("execution_mode")) ?? ExecutionMode.Sequential;
        var model = p.GetString("model");
        try
        {
            model = ModelSpec.Parse(model).ToString();
        }
        catch (FormatException ex)
        {
            throw new TemplateParameterException(Id, $"invalid model '{model}': {ex.Message}");
        }
        var collect = p.GetBoolean("collect_intermediate");
        var plan = OrchestrationPlan.Build(Id, p.GetObject("workflow_config"), mode, p.IsGiven("execution_mode"),
            (int)p.GetInteger("max_steps"), model, context.IsAgentConfigured);

        var observer = new RunObserver(context.Progress);
        WorkflowResult result;
        try
        {
            result = await WorkflowExecution.RunAsync(context.Engine, plan.Definition, input: null, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowValidationException ex)
        {
            throw new TemplateParameterException(Id, ex.Errors.Select(e => $"workflow_config: {e.Message}").ToArray(), ex.TotalCount);
        }

        var steps = StepRecord.From(result.Steps, plan.Mode is ExecutionMode.Parallel or ExecutionMode.Hybrid ? plan.StepOrder : null,
            plan.Descriptions, plan.Agents);
        var tally = RunTally.Of(steps);
        var report = WorkflowReport.Build(new WorkflowReportInput
        {
            Result = result,
            Definition = plan.Definition,
            ModeName = ExecutionModes.Name(plan.Mode),
            Steps = steps,
            Observer = observer,
            Notes = plan.Notes,
            CollectIntermediate = collect,
        });

        var artifacts = new List<TemplateArtifact>();
        if (context.OutputDirectory is { } directory)
        {
            artifacts.Add(await WriteAsync(directory, ReportFileName, report, "text/markdown", cancellationToken).ConfigureAwait(false));
            if (collect)
            {
                var intermediate = new JsonArray(steps.Select(s => (JsonNode)s.ToJson()).ToArray()).ToJsonString(PrettyJson);
                artifacts.Add(await WriteAsync(directory, IntermediateFileName, intermediate, "application/json", cancellationToken).ConfigureAwait(false));
            }
        }

        var custom = new JsonObject
        {
            ["steps_executed"] = tally.StepsExecuted,
            ["execution_mode"] = ExecutionModes.Name(plan.Mode),
            ["workflow_steps"] = plan.ConfiguredSteps,
            ["run_id"] = result.RunId,
            ["run_status"] = StatusNames.Of(result.Status),
        };
        if (plan.Mode == ExecutionMode.Loop) custom["iterations"] = observer.IterationsCompleted;
        if (plan.Mode == ExecutionMode.Hybrid) custom["branches_selected"] = new JsonArray(observer.SelectedBranches.Select(b => (JsonNode)b).ToArray());
        var ok = result.Status is RunStatus.Completed or RunStatus.PartiallyCompleted;
        return new TemplateResult
        {
            Status = ok ? TemplateStatus.Ok : TemplateStatus.Failed,
            Result = TemplateOutput.Text(report),
            Artifacts = artifacts,
            Error = ok ? null : $"workflow '{result.WorkflowName}' {StatusNames.Of(result.Status)}: {result.Error}",
            Metrics = new TemplateMetrics
            {
                DurationMs = (long)context.Clock.GetElapsedTime(started).TotalMilliseconds,
                TokensUsed = tally.TokensUsed,
                CostUsd = tally.CostUsd,
                AgentsInvoked = tally.AgentsInvoked,
                ToolsInvoked = tally.ToolsInvoked,
                CustomMetrics = custom,
            },
        };
    }

    private static async Task<TemplateArtifact> WriteAsync(string directory, string name, string content, string mimeType, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(directory, name));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write {name} to {Path.GetDirectoryName(path)}: {ex.Message} Choose another --output-dir, or make this one writable.", ex);
        }
        return new TemplateArtifact(path, content, mimeType);
    }
}
