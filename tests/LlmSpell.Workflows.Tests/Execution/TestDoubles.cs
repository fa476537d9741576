using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;

namespace LlmSpell.Workflows.Tests.Execution;

/// <summary>In-process tools with scripted behaviour; records every call and every cancellation it sees.</summary>
public sealed class ScriptedTools : IToolRegistry
{
    private readonly Dictionary<string, ITool> _tools = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(string Tool, JsonObject Parameters, long Timestamp)> _calls = new();
    private readonly ConcurrentDictionary<string, bool> _cancelled = new();

    public ITool? Find(string name) => _tools.GetValueOrDefault(name);
    public IReadOnlyCollection<ITool> All => _tools.Values;

    /// <summary>A tool that returns what <paramref name="result"/> makes of its parameters.</summary>
    public ScriptedTools Returns(string name, Func<JsonObject, JsonNode?> result) =>
        Add(name, (p, _) => Task.FromResult(result(p)));

    /// <summary>A tool that echoes its parameters.</summary>
    public ScriptedTools Echo(string name) => Returns(name, p => p.DeepClone());

    /// <summary>A tool that fails its first <paramref name="times"/> calls, then returns "ok".</summary>
    public ScriptedTools FailsThenSucceeds(string name, int times, string message = "transient failure")
    {
        var failures = 0;
        return Add(name, (_, _) => Interlocked.Increment(ref failures) <= times
            ? Task.FromException<JsonNode?>(new InvalidOperationException(message))
            : Task.FromResult<JsonNode?>(JsonValue.Create("ok")));
    }

    /// <summary>A tool that always fails.</summary>
    public ScriptedTools Fails(string name, string message = "boom") =>
        Add(name, (_, _) => Task.FromException<JsonNode?>(new InvalidOperationException(message)));

    /// <summary>A tool that never finishes until its cancellation token fires (which it records).</summary>
    public ScriptedTools Hangs(string name) => Add(name, async (_, ct) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            _cancelled[name] = true;
            throw;
        }
        return null;
    });

    /// <summary>A tool that takes <paramref name="delay"/> (honouring cancellation) and returns <paramref name="value"/>.</summary>
    public ScriptedTools Delays(string name, TimeSpan delay, JsonNode? value = null) => Add(name, async (_, ct) =>
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            _cancelled[name] = true;
            throw;
        }
        return value?.DeepClone() ?? JsonValue.Create(name);
    });

    public ScriptedTools Add(string name, Func<JsonObject, CancellationToken, Task<JsonNode?>> invoke)
    {
        _tools[name] = new Tool(name, async (p, ct) =>
        {
            _calls.Enqueue((name, (JsonObject)p.DeepClone(), Stopwatch.GetTimestamp()));
            return await invoke(p, ct);
        });
        return this;
    }

    public int Calls(string name) => _calls.Count(c => c.Tool == name);
    public IReadOnlyList<JsonObject> CallParameters(string name) => _calls.Where(c => c.Tool == name).Select(c => c.Parameters).ToArray();
    public IReadOnlyList<long> CallTimestamps(string name) => _calls.Where(c => c.Tool == name).Select(c => c.Timestamp).ToArray();
    public IReadOnlyList<string> CallOrder => _calls.Select(c => c.Tool).ToArray();
    public bool CancellationObserved(string name) => _cancelled.ContainsKey(name);

    private sealed class Tool(string name, Func<JsonObject, CancellationToken, Task<JsonNode?>> invoke) : ITool
    {
        public string Name => name;
        public string Description => $"scripted tool {name}";
        public JsonObject ParametersSchema => new() { ["type"] = "object" };
        public Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken) => invoke(parameters, cancellationToken);
    }
}

/// <summary>An agent executor that answers from a script; records every request.</summary>
public sealed class ScriptedAgents : IAgentExecutor
{
    private readonly ConcurrentQueue<AgentRequest> _requests = new();
    private readonly List<(Func<AgentRequest, bool> When, Func<AgentRequest, string> Answer)> _answers = [];

    /// <summary>Answers requests of step <paramref name="step"/> with <paramref name="answer"/>.</summary>
    public ScriptedAgents Answer(string step, string answer) => Answer(r => r.StepName == step, _ => answer);

    public ScriptedAgents Answer(Func<AgentRequest, bool> when, Func<AgentRequest, string> answer)
    {
        _answers.Add((when, answer));
        return this;
    }

    public IReadOnlyList<AgentRequest> Requests => _requests.ToArray();

    public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        var match = _answers.FirstOrDefault(a => a.When(request));
        var text = match.Answer?.Invoke(request) ?? $"answer to: {request.Input}";
        foreach (var word in text.Split(' ')) progress?.Report(word + " ");
        return Task.FromResult(new AgentResult(text, request.Model ?? "test/model", new AgentUsage(request.Input.Length, text.Length)));
    }
}
