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
        var fields = new List<(object Owner, string Field, JsonPath Path)>();

        // In the object form ({"Agent": {...}}) the kind's fields sit inside; they may also sit on the step.
        var sources = new Dictionary<string, JsonObjectReader>(StringComparer.Ordinal);
        JsonObjectReader From(string key)
        {
            if (sources.TryGetValue(key, out var known)) return known;
            var source = r;
            if (details is not null && details.Has(key))
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
                fields.Add((agent, "input", input.PathOf("input")));
                fields.Add((agent, "temperature", From("temperature").PathOf("temperature")));
                fields.Add((agent, "max_tokens", From("max_tokens").PathOf("max_tokens")));
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
                    Parameters = (JsonObject?)parameters.ObjectValue("parameters")?.DeepClone() ?? new JsonObject(),
                };
                fields.Add((tool, "parameters", parameters.PathOf("parameters")));
                break;
            case StepKind.Workflow:
                workflow = ReadWorkflowStep(From("workflow"), From("input"), name, fields);
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
                    Default = From("default").Node("default")?.DeepClone(),
                };
                fields.Add((wait, "signal", signalSource.PathOf("signal")));
                if (waitTimeoutKey is not null) fields.Add((wait, "timeout_s", r.PathOf(waitTimeoutKey)));
                break;
        }

        r.ReportUnknownKeys(AllStepKeys, key => kind is { } k ? Misplaced(key, k) : null);
        if (details is not null && kind is { } detailsKind)
            details.ReportUnknownKeys(KindKeys[detailsKind], key => Misplaced(key, detailsKind));

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
        // The validator finds a field written on the step under its own name by itself; only others need their place kept.
        foreach (var (owner, field, fieldPath) in fields)
        {
            if (!fieldPath.IsProperty(path, field)) context.Paths.Field(owner, field, fieldPath);
        }
        if (timeoutKey is not null and not "timeout_s") context.Paths.Field(step, "timeout_s", r.PathOf(timeoutKey));
        return Register(step, path);
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

    private WorkflowStepSpec ReadWorkflowStep(JsonObjectReader source, JsonObjectReader inputSource, string stepName,
        List<(object, string, JsonPath)> fields)
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
            Input = inputSource.Node("input")?.DeepClone(),
        };
        fields.Add((spec, "workflow", source.PathOf("workflow")));
        fields.Add((spec, "input", inputSource.PathOf("input")));
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
