using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using LlmSpell.Testing;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

/// <summary>Base of engine specs: a fresh actor system per test and helpers to build definitions.</summary>
public abstract class EngineSpec() : TestKit(TestTime.AkkaConfig)
{
    protected ScriptedTools Tools { get; } = new();
    protected ScriptedAgents Agents { get; } = new();

    private WorkflowEngine? _engine;

    protected WorkflowEngine Engine => _engine ??= new WorkflowEngine(Sys, new WorkflowServices { Agents = Agents, Tools = Tools });

    /// <summary>How long a spec waits for a run to end before it fails (a hung run is a failure, never a hung test).</summary>
    protected static TimeSpan RunLimit => TestTime.Dilated(TimeSpan.FromSeconds(10));

    /// <summary>Runs <paramref name="definition"/> to its end on <see cref="Engine"/>.</summary>
    protected Task<WorkflowResult> Run(WorkflowDefinition definition, JsonNode? input = null) =>
        Engine.RunAsync(definition, input).WaitAsync(RunLimit);

    /// <summary>The result of <paramref name="run"/> when it ends.</summary>
    protected static Task<WorkflowResult> Finished(IWorkflowRun run) => run.Completion.WaitAsync(RunLimit);

    /// <summary>Asserts the engine refuses to start <paramref name="workflow"/>, and returns why.</summary>
    protected async Task<WorkflowValidationException> Rejected(WorkflowDefinition workflow)
    {
        var start = () => Engine.StartAsync(workflow);
        return (await start.Should().ThrowAsync<WorkflowValidationException>()).Which;
    }

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

    protected static WorkflowDefinition Parallel(string name, params BranchDefinition[] branches) =>
        Parallel(name, WorkflowConfig.Default, branches);

    protected static BranchDefinition Optional(BranchDefinition branch) => branch with { Required = false };

    protected static StepDefinition NestedNamed(string name, string workflow, string? input = null) => new()
    {
        Name = name,
        Kind = StepKind.Workflow,
        Workflow = new WorkflowStepSpec { Name = workflow, Input = input is null ? null : JsonValue.Create(input) },
    };

    protected static StepDefinition Wait(string name, string signal, TimeSpan? timeout = null, JsonNode? @default = null) => new()
    {
        Name = name,
        Kind = StepKind.Wait,
        Wait = new WaitStepSpec { Signal = signal, Timeout = timeout, Default = @default },
    };

    protected static WorkflowDefinition Conditional(string name, params BranchDefinition[] branches) =>
        new() { Name = name, Type = WorkflowType.Conditional, Branches = branches };

    protected static WorkflowDefinition ConditionalAllMatches(string name, params BranchDefinition[] branches) =>
        Conditional(name, branches) with { Config = WorkflowConfig.Default with { ConditionalMode = ConditionalMode.AllMatches } };

    /// <summary>A conditional branch taken when <paramref name="condition"/> holds.</summary>
    protected static BranchDefinition When(string name, Condition condition, params StepDefinition[] steps) =>
        new() { Name = name, Condition = condition, Steps = steps };

    /// <summary>The default branch of a conditional.</summary>
    protected static BranchDefinition Otherwise(string name, params StepDefinition[] steps) =>
        new() { Name = name, IsDefault = true, Steps = steps };

    protected static WorkflowDefinition Loop(string name, LoopSpec loop, params StepDefinition[] body) =>
        new() { Name = name, Type = WorkflowType.Loop, Loop = loop, Steps = body };

    protected static LoopSpec Range(long start, long end, long step = 1) => new() { Iterator = new RangeIterator(start, end, step) };

    protected static LoopSpec ForEach(string json) => new() { Iterator = new ForEachIterator { Items = JsonNode.Parse(json)!.AsArray() } };

    protected static LoopSpec ForEachAt(string path) => new() { Iterator = new ForEachIterator { Source = P(path) } };

    protected static LoopSpec While(Condition condition) => new() { Iterator = new WhileIterator(condition) };

    // ---- conditions --------------------------------------------------------------------------

    protected static DataPath P(string path) => DataPath.Parse(path);

    protected static JsonNode? J(string json) => JsonNode.Parse(json);

    protected static Condition Eq(string path, string json) => new CompareCondition(CompareOperator.Equals, P(path), J(json));
    protected static Condition Ne(string path, string json) => new CompareCondition(CompareOperator.NotEquals, P(path), J(json));
    protected static Condition Contains(string path, string json) => new CompareCondition(CompareOperator.Contains, P(path), J(json));
    protected static Condition Matches(string path, string regex) => new CompareCondition(CompareOperator.Matches, P(path), JsonValue.Create(regex));
    protected static Condition Gt(string path, string json) => new CompareCondition(CompareOperator.GreaterThan, P(path), J(json));
    protected static Condition Gte(string path, string json) => new CompareCondition(CompareOperator.GreaterOrEqual, P(path), J(json));
    protected static Condition Lt(string path, string json) => new CompareCondition(CompareOperator.LessThan, P(path), J(json));
    protected static Condition Lte(string path, string json) => new CompareCondition(CompareOperator.LessOrEqual, P(path), J(json));
    protected static Condition Exists(string path) => new ExistsCondition(P(path));
    protected static Condition And(params Condition[] conditions) => new AndCondition(conditions);
    protected static Condition Or(params Condition[] conditions) => new OrCondition(conditions);
    protected static Condition Not(Condition inner) => new NotCondition(inner);

    // ---- events ------------------------------------------------------------------------------

    /// <summary>Every event of a run, read to its end.</summary>
    protected static async Task<IReadOnlyList<WorkflowEvent>> EventsOf(IWorkflowRun run)
    {
        var events = new List<WorkflowEvent>();
        using var cts = new CancellationTokenSource(RunLimit);
        try
        {
            await foreach (var e in run.Events.WithCancellation(cts.Token)) events.Add(e);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"the run did not end within {RunLimit.TotalSeconds:0} s; events so far: {string.Join(", ", events.Select(e => e.Kind))}");
        }
        return events;
    }

    /// <summary>Reads a run's events until one matches; fails after the default timeout.</summary>
    protected static async Task<T> NextEvent<T>(IWorkflowRun run, Func<T, bool>? match = null) where T : WorkflowEvent
    {
        using var cts = new CancellationTokenSource(RunLimit);
        try
        {
            await foreach (var e in run.Events.WithCancellation(cts.Token))
                if (e is T t && (match is null || match(t))) return t;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
        throw new Xunit.Sdk.XunitException($"no {typeof(T).Name} event matched (the run ended, or it did not end in time)");
    }

    /// <summary>A probe that receives the events of type <typeparamref name="T"/> published on the system's event stream.</summary>
    protected TestProbe EventProbe<T>() where T : WorkflowEvent
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(T));
        return probe;
    }
}
