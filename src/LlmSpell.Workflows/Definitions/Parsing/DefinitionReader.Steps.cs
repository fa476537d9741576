using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

internal sealed partial class DefinitionReader
{
    private const string InvalidStepTypeSuffix = "Must be 'agent' or 'tool' (or 'workflow' or 'wait')";

    private static readonly string[] CommonStepKeys =
        ["name", "description", "type", "step_type", "retry", "timeout_s", "timeout_ms", "error_strategy"];

    private static readonly Dictionary<StepKind, string[]> KindKeys = new()
    {
        [StepKind.Agent] = ["agent_id", "model", "system_prompt", "input", "temperature", "max_tokens", "include_step_outputs"],
        [StepKind.Tool] = ["tool", "tool_name", "parameters"],
        [StepKind.Workflow] = ["workflow", "input"],
        [StepKind.Wait] = ["signal", "default"],
    };

    private static readonly (string Name, StepKind Value)[] StepKinds =
    [
        ("agent", StepKind.Agent),
        ("tool", StepKind.Tool),
        ("workflow", StepKind.Workflow),
        ("wait", StepKind.Wait),
    ];

    // One per kind, made once rather than a closure per step.
    private static readonly Dictionary<StepKind, Func<string, string?>> MisplacedIn =
        StepKinds.ToDictionary(k => k.Value, k => (Func<string, string?>)(key => Misplaced(key, k.Value)));

    private static readonly string[] AllStepKeys = CommonStepKeys.Concat(KindKeys.Values.SelectMany(k => k)).Distinct().ToArray();

    private List<StepDefinition> ReadSteps(JsonArray array, JsonPath path, string defaultNamePrefix)
    {
        var steps = new List<StepDefinition>(array.Count);
        for (var i = 0; i < array.Count; i++)
            steps.Add(ReadStep(array[i], path.Index(i), defaultNamePrefix, i + 1));
        return steps;
    }

    /// <summary>A step; one without a name is named <paramref name="defaultNamePrefix"/> and its <paramref name="number"/>.</summary>
    private StepDefinition ReadStep(JsonNode? node, JsonPath path, string defaultNamePrefix, int number)
    {
        if (node is not JsonObject obj)
        {
            var defaultName = defaultNamePrefix + number;
            context.Error(path, $"a step must be an object like {{\"name\": \"...\", \"step_type\": \"agent\"}}, got {JsonPaths.KindOf(node)}");
            // A stand-in keeps later steps' defaults (step-N) and paths right; its errors are already reported.
            return Register(new StepDefinition { Name = defaultName, Description = defaultName, Kind = StepKind.Agent, Agent = new() }, path);
        }
        var r = new JsonObjectReader(obj, path, context);
        var name = r.String("name") ?? defaultNamePrefix + number;
        var description = r.String("description") ?? name;
        var (kind, details) = ReadStepKind(r);

        // In the object form ({"Agent": {...}}) the kind's fields sit inside; they may also sit on the step.
        Dictionary<string, JsonObjectReader>? sources = null;
        JsonObjectReader From(string key)
        {
            if (details is null) return r;
            sources ??= new(StringComparer.Ordinal);
            if (sources.TryGetValue(key, out var known)) return known;
            var source = r;
            if (details.Has(key))
            {
                source = details;
                if (r.Has(key))
                {
                    r.Node(key);
                    context.Error(r.PathOf(key), $"{key} is set both here and in {details.Path.ToString()[(path.ToString().Length + 1)..]}; keep one");
                }
            }
            return sources[key] = source;
        }

        var retry = r.Has("retry") ? ReadRetry(r) : null;
        var errorStrategy = ReadEnum(r, "error_strategy", "error_strategy", ErrorStrategies);
        var (timeout, timeoutKey) = kind == StepKind.Wait ? (null, null) : r.Duration("timeout_s", "timeout_ms");

        AgentStepSpec? agent = null;
        ToolStepSpec? tool = null;
        WorkflowStepSpec? workflow = null;
        WaitStepSpec? wait = null;
        switch (kind)
        {
            case StepKind.Agent:
                var input = From("input");
                agent = new AgentStepSpec
                {
                    AgentId = From("agent_id").String("agent_id"),
                    Model = From("model").String("model"),
                    SystemPrompt = From("system_prompt").String("system_prompt"),
                    Input = input.String("input"),
                    Temperature = From("temperature").Number("temperature"),
                    MaxTokens = From("max_tokens").Int("max_tokens"),
                    IncludeStepOutputs = From("include_step_outputs").Bool("include_step_outputs") ?? false,
                };
                Place(agent, "input", input, "input", r);
                Place(agent, "temperature", From("temperature"), "temperature", r);
                Place(agent, "max_tokens", From("max_tokens"), "max_tokens", r);
                break;
            case StepKind.Tool:
                var toolKey = From("tool_name").Has("tool_name") ? "tool_name" : "tool";
                if (toolKey == "tool_name" && From("tool").Has("tool"))
                {
                    From("tool").Node("tool");
                    context.Error(From("tool").PathOf("tool"), "both tool and tool_name are set; keep one");
                }
                var parameters = From("parameters");
                tool = new ToolStepSpec
                {
                    ToolName = From(toolKey).String(toolKey),
                    Parameters = context.Keep(parameters.Object, "parameters", parameters.ObjectValue("parameters")) ?? new JsonObject(),
                };
                Place(tool, "parameters", parameters, "parameters", r);
                break;
            case StepKind.Workflow:
                workflow = ReadWorkflowStep(From("workflow"), From("input"), name);
                Place(workflow, "workflow", From("workflow"), "workflow", r);
                Place(workflow, "input", From("input"), "input", r);
                break;
            case StepKind.Wait:
                var signalSource = From("signal");
                var signal = signalSource.String("signal");
                if (signal is null && !signalSource.Has("signal"))
                    context.Error(signalSource.PathOf("signal"), "a wait step needs a 'signal': the name of the signal the run waits for, e.g. \"signal\": \"approved\"");
                var (waitTimeout, waitTimeoutKey) = r.Duration("timeout_s", "timeout_ms");
                wait = new WaitStepSpec
                {
                    Signal = signal ?? "",
                    Timeout = waitTimeout,
                    Default = From("default").Take("default"),
                };
                Place(wait, "signal", signalSource, "signal", r);
                if (waitTimeoutKey is not null) Place(wait, "timeout_s", r, waitTimeoutKey, r);
                break;
        }

        r.ReportUnknownKeys(AllStepKeys, kind is { } k ? MisplacedIn[k] : null);
        if (details is not null && kind is { } detailsKind)
            details.ReportUnknownKeys(KindKeys[detailsKind], MisplacedIn[detailsKind]);

        var step = new StepDefinition
        {
            Name = name,
            Description = description,
            Kind = kind ?? StepKind.Agent,
            Agent = agent ?? (kind is null ? new AgentStepSpec() : null),
            Tool = tool,
            Workflow = workflow,
            Wait = wait,
            Retry = retry,
            Timeout = timeout,
            ErrorStrategy = errorStrategy,
        };
        if (timeoutKey is not null) Place(step, "timeout_s", r, timeoutKey, r);
        return Register(step, path);
    }

    /// <summary>
    /// Keeps where a field of a step's model was written when the validator would not find it by itself: inside the object
    /// form of step_type, or under another key (<c>timeout_ms</c>). Every step has fields; few are written elsewhere.
    /// </summary>
    private void Place(object owner, string field, JsonObjectReader source, string key, JsonObjectReader step)
    {
        if (!ReferenceEquals(source, step) || key != field) context.Paths.Field(owner, field, source.PathOf(key));
    }

    private StepDefinition Register(StepDefinition step, JsonPath path)
    {
        context.Paths.Node(step, path);
        return step;
    }

    // A key that belongs to another kind of step: say so rather than "unknown key".
    private static string? Misplaced(string key, StepKind kind)
    {
        if (KindKeys[kind].Contains(key) || CommonStepKeys.Contains(key)) return null;
        var owners = KindKeys.Where(k => k.Value.Contains(key)).Select(k => Name(k.Key)).ToArray();
        return owners.Length == 0
            ? null
            : $"'{key}' is for {string.Join(" and ", owners)} steps, and this is {Article(kind)} {Name(kind)} step; remove it or change step_type";
    }

    private static string Name(StepKind kind) => StepKinds.First(k => k.Value == kind).Name;

    private static string Article(StepKind kind) => kind == StepKind.Agent ? "an" : "a";

    /// <summary>The kind, from "step_type" or "type": a string, or the spec's object form {"Agent": {...}} whose inner object is returned.</summary>
    private (StepKind? Kind, JsonObjectReader? Details) ReadStepKind(JsonObjectReader r)
    {
        var key = r.Has("step_type") ? "step_type" : "type";
        if (r.Has("step_type") && r.Has("type"))
        {
            r.Node("type");
            context.Error(r.PathOf("type"), "both type and step_type are set; keep one");
        }
        var node = r.Node(key);
        switch (node)
        {
            case null:
                context.Error(r.PathOf("step_type"), $"the step has no step_type. {InvalidStepTypeSuffix}: add e.g. \"step_type\": \"agent\"");
                return (null, null);
            case JsonValue when node.GetValueKind() == JsonValueKind.String:
                var text = node.GetValue<string>();
                var kind = MatchEnum(text, StepKinds);
                if (kind is null) context.Error(r.PathOf(key), $"invalid step_type: '{text}'. {InvalidStepTypeSuffix}");
                return (kind, null);
            case JsonObject obj:
                if (obj.Count != 1)
                {
                    context.Error(r.PathOf(key),
                        $"the object form of step_type has exactly one key, the kind (e.g. {{\"Agent\": {{\"agent_id\": \"...\", \"input\": \"...\"}}}}), got {obj.Count}");
                    return (null, null);
                }
                var (name, inner) = obj.First();
                var objectKind = MatchEnum(name, StepKinds);
                if (objectKind is null)
                {
                    context.Error(r.PathOf(key), $"invalid step_type: '{name}'. {InvalidStepTypeSuffix}");
                    return (null, null);
                }
                var innerPath = r.PathOf(key).Property(name);
                if (inner is null) return (objectKind, null);
                if (inner is not JsonObject innerObject)
                {
                    context.Error(innerPath, $"{name} must be an object with the step's details, got {JsonPaths.KindOf(inner)}");
                    return (objectKind, null);
                }
                return (objectKind, new JsonObjectReader(innerObject, innerPath, context));
            default:
                context.Error(r.PathOf(key), $"step_type must be a string ('agent', 'tool', 'workflow', 'wait') or an object like {{\"Agent\": {{...}}}}, got {JsonObjectReader.Describe(node)}");
                return (null, null);
        }
    }

    private WorkflowStepSpec ReadWorkflowStep(JsonObjectReader source, JsonObjectReader inputSource, string stepName)
    {
        var node = source.Node("workflow");
        WorkflowDefinition? inline = null;
        string? name = null;
        switch (node)
        {
            case null:
                context.Error(source.PathOf("workflow"),
                    "a workflow step needs 'workflow': an inline workflow object, or the name of a workflow under 'workflows'");
                break;
            case JsonObject obj:
                inline = ReadWorkflow(obj, source.PathOf("workflow"), stepName);
                break;
            case JsonValue when node.GetValueKind() == JsonValueKind.String:
                name = node.GetValue<string>();
                break;
            default:
                context.Error(source.PathOf("workflow"),
                    $"workflow must be an object (an inline workflow) or a string (the name of one under 'workflows'), got {JsonObjectReader.Describe(node)}");
                break;
        }
        var spec = new WorkflowStepSpec
        {
            Inline = inline,
            Name = name,
            Input = inputSource.Take("input"),
        };
        return spec;
    }

    private RetryPolicy? ReadRetry(JsonObjectReader owner)
    {
        var obj = owner.ObjectValue("retry");
        if (obj is null) return null;
        var r = new JsonObjectReader(obj, owner.PathOf("retry"), context);
        var defaults = new RetryPolicy();
        var policy = new RetryPolicy
        {
            MaxAttempts = r.Int("max_attempts") ?? defaults.MaxAttempts,
            InitialBackoff = r.Milliseconds("initial_backoff_ms") ?? defaults.InitialBackoff,
            MaxBackoff = r.Milliseconds("max_backoff_ms") ?? defaults.MaxBackoff,
            Multiplier = r.Number("multiplier") ?? defaults.Multiplier,
            Jitter = r.Number("jitter") ?? defaults.Jitter,
        };
        r.ReportUnknownKeys(["max_attempts", "initial_backoff_ms", "max_backoff_ms", "multiplier", "jitter"]);
        context.Paths.Node(policy, r.Path);
        return policy;
    }
}
