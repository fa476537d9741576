using System.Text.Json.Nodes;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.CrashHost;

/// <summary>The workflow of the crash test, shared by the host process and the test that resumes it.</summary>
public static class CrashWorkflow
{
    public const string RunId = "crash";
    public const string ReadyLine = "READY";

    public static WorkflowDefinition Definition { get; } = new()
    {
        Name = "crash",
        Steps =
        [
            Step("one", """{"topic":"{{input.topic}}"}"""),
            Step("two", """{"from":"{{steps.one.output.step}}"}"""),
            Step("three", """{"from":"{{steps.two.output.step}}"}"""),
        ],
    };

    /// <summary>Tools one, two, three: each appends its name to <paramref name="callsFile"/> and returns <c>{"step": name}</c>; <paramref name="hangIn"/> prints READY and hangs.</summary>
    public static IToolRegistry Tools(string callsFile, string? hangIn) =>
        new Registry(["one", "two", "three"], callsFile, hangIn);

    /// <summary>The run id of the kill specs' workflow of <paramref name="steps"/> steps.</summary>
    public static string StepsRunId(int steps) => $"crash-{steps}-steps";

    /// <summary>The name of step <paramref name="index"/> (0-based) of the kill specs' workflow: <c>step01</c>, <c>step02</c>, …</summary>
    public static string StepName(int index) => $"step{index + 1:D2}";

    /// <summary>
    /// The kill specs' workflow: <paramref name="steps"/> sequential tool steps <c>step01</c>…, each taking the previous one's
    /// output (<c>{"from": previous}</c>), so that a resumed run reads its inputs from the journal.
    /// </summary>
    public static WorkflowDefinition Sequence(int steps) => new()
    {
        Name = "crash-steps",
        Steps = Enumerable.Range(0, steps)
            .Select(i => Step(StepName(i), i == 0
                ? """{"topic":"{{input.topic}}"}"""
                : $$$"""{"from":"{{steps.{{{StepName(i - 1)}}}.output.step}}"}"""))
            .ToArray(),
    };

    /// <summary>Tools of <see cref="Sequence"/>: each appends its name to <paramref name="callsFile"/>, waits <paramref name="delay"/> and returns <c>{"step": name}</c>.</summary>
    public static IToolRegistry SequenceTools(int steps, string callsFile, TimeSpan delay) =>
        new Registry(Enumerable.Range(0, steps).Select(StepName).ToArray(), callsFile, hangIn: null, delay);

    /// <summary>The workflow has no agent steps.</summary>
    public static IAgentExecutor NoAgents { get; } = new NoAgentExecutor();

    private sealed class NoAgentExecutor : IAgentExecutor
    {
        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the crash workflow has no agent steps");
    }

    private static StepDefinition Step(string name, string parameters) => new()
    {
        Name = name,
        Kind = StepKind.Tool,
        Tool = new ToolStepSpec { ToolName = name, Parameters = JsonNode.Parse(parameters)!.AsObject() },
    };

    private sealed class Registry(string[] names, string callsFile, string? hangIn, TimeSpan delay = default) : IToolRegistry
    {
        private readonly Dictionary<string, ITool> _tools = names.ToDictionary(n => n, n => (ITool)new CallTool(n, callsFile, n == hangIn, delay), StringComparer.OrdinalIgnoreCase);
        public ITool? Find(string name) => _tools.GetValueOrDefault(name);
        public IReadOnlyCollection<ITool> All => _tools.Values;
    }

    private sealed class CallTool(string name, string callsFile, bool hang, TimeSpan delay) : ITool
    {
        public string Name => name;
        public string Description => $"crash-test tool {name}";
        public JsonObject ParametersSchema => new() { ["type"] = "object" };

        public async Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken)
        {
            await File.AppendAllTextAsync(callsFile, name + "\n", cancellationToken);
            if (hang)
            {
                Console.Out.WriteLine(ReadyLine);
                await Console.Out.FlushAsync(cancellationToken);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
            return new JsonObject { ["step"] = name, ["parameters"] = parameters.DeepClone() };
        }
    }
}
