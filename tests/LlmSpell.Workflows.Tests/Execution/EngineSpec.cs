using System.Text.Json.Nodes;
using LlmSpell.Actors;
using LlmSpell.Actors.Testing;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Workflows.Tests.Execution;

/// <summary>Base of engine specs: a fresh actor system per test and helpers to build definitions.</summary>
public abstract class EngineSpec : TestKit
{
    protected ScriptedTools Tools { get; } = new();
    protected ScriptedAgents Agents { get; } = new();

    private WorkflowEngine? _engine;

    protected WorkflowEngine Engine => _engine ??= new WorkflowEngine(Sys, new WorkflowServices { Agents = Agents, Tools = Tools });

    protected static StepDefinition Tool(string name, string? tool = null, string? parameters = null, RetryPolicy? retry = null,
        TimeSpan? timeout = null, ErrorStrategy? onError = null) => new()
    {
        Name = name,
        Kind = StepKind.Tool,
        Tool = new ToolStepSpec { ToolName = tool ?? name, Parameters = parameters is null ? new JsonObject() : JsonNode.Parse(parameters)!.AsObject() },
        Retry = retry,
        Timeout = timeout,
        ErrorStrategy = onError,
    };

    protected static StepDefinition Agent(string name, string? input = null, string? model = null) => new()
    {
        Name = name,
        Kind = StepKind.Agent,
        Agent = new AgentStepSpec { Input = input, Model = model },
    };

    protected static StepDefinition Nested(string name, WorkflowDefinition workflow, string? input = null) => new()
    {
        Name = name,
        Kind = StepKind.Workflow,
        Workflow = new WorkflowStepSpec { Inline = workflow, Input = input is null ? null : JsonValue.Create(input) },
    };

    protected static WorkflowDefinition Sequential(string name, params StepDefinition[] steps) =>
        new() { Name = name, Type = WorkflowType.Sequential, Steps = steps };

    protected static BranchDefinition Branch(string name, params StepDefinition[] steps) => new() { Name = name, Steps = steps };

    protected static WorkflowDefinition Parallel(string name, WorkflowConfig config, params BranchDefinition[] branches) =>
        new() { Name = name, Type = WorkflowType.Parallel, Branches = branches, Config = config };
}
