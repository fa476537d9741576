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
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _called = new();
    private int _inFlight;
    private int _maxInFlight;

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
    public ScriptedTools Hangs(string name) => WaitsFor(name, new TaskCompletionSource().Task);

    /// <summary>A tool that takes <paramref name="delay"/> (honouring cancellation) and returns <paramref name="value"/>.</summary>
    public ScriptedTools Delays(string name, TimeSpan delay, JsonNode? value = null) => Add(name, async (_, ct) =>
    {
        await Observed(name, Task.Delay(delay, ct));
        return value?.DeepClone() ?? JsonValue.Create(name);
    });

    /// <summary>
    /// A tool that waits until <paramref name="gate"/> completes (a TaskCompletionSource the test releases),
    /// honouring and recording cancellation, then returns <paramref name="value"/> (default: its name).
    /// </summary>
    public ScriptedTools WaitsFor(string name, Task gate, JsonNode? value = null) => Add(name, async (_, ct) =>
    {
        await Observed(name, gate.WaitAsync(ct));
        return value?.DeepClone() ?? JsonValue.Create(name);
    });

    /// <summary>A tool that waits until <paramref name="gate"/> completes (recording cancellation), then fails.</summary>
    public ScriptedTools FailsAfter(string name, Task gate, string message = "boom") => Add(name, async (_, ct) =>
    {
        await Observed(name, gate.WaitAsync(ct));
        throw new InvalidOperationException(message);
    });

    /// <summary>A tool that counts its calls and returns <c>{"n": calls so far}</c>.</summary>
    public ScriptedTools Counts(string name)
    {
        var calls = 0;
        return Returns(name, _ => new JsonObject { ["n"] = Interlocked.Increment(ref calls) });
    }

    private async Task Observed(string name, Task wait)
    {
        try
        {
            await wait;
        }
        catch (OperationCanceledException)
        {
            _cancelled[name] = true;
            throw;
        }
    }

    /// <summary>Any behaviour; every call is recorded and counted in <see cref="InFlight"/> while it runs.</summary>
    public ScriptedTools Add(string name, Func<JsonObject, CancellationToken, Task<JsonNode?>> invoke)
    {
        _tools[name] = new Tool(name, async (p, ct) =>
        {
            _calls.Enqueue((name, (JsonObject)p.DeepClone(), Stopwatch.GetTimestamp()));
            var now = Interlocked.Increment(ref _inFlight);
            for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
                if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max) break;
            CalledSource(name).TrySetResult();
            try
            {
                return await invoke(p, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
        return this;
    }

    /// <summary>Completes when the tool <paramref name="name"/> is first called.</summary>
    public Task WhenCalled(string name) => CalledSource(name).Task;

    /// <summary>Tool calls running right now (all tools).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most tool calls that were ever running at once (all tools).</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    private TaskCompletionSource CalledSource(string name) =>
        _called.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

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
    private readonly List<(Func<AgentRequest, bool> When, Func<AgentRequest, IReadOnlyList<string>> Chunks)> _answers = [];

    /// <summary>Answers requests of step <paramref name="step"/> with <paramref name="answer"/>, streamed word by word.</summary>
    public ScriptedAgents Answer(string step, string answer) => Answer(r => r.StepName == step, _ => answer);

    public ScriptedAgents Answer(Func<AgentRequest, bool> when, Func<AgentRequest, string> answer) =>
        Streams(when, r => Words(answer(r)));

    /// <summary>Answers step <paramref name="step"/> by streaming exactly <paramref name="chunks"/>; the answer is their concatenation.</summary>
    public ScriptedAgents Streams(string step, params string[] chunks) => Streams(r => r.StepName == step, _ => chunks);

    public ScriptedAgents Streams(Func<AgentRequest, bool> when, Func<AgentRequest, IReadOnlyList<string>> chunks)
    {
        lock (_answers) _answers.Add((when, chunks));
        return this;
    }

    public IReadOnlyList<AgentRequest> Requests => _requests.ToArray();

    public IReadOnlyList<AgentRequest> RequestsOf(string step) => _requests.Where(r => r.StepName == step).ToArray();

    public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        Func<AgentRequest, IReadOnlyList<string>>? script;
        lock (_answers) script = _answers.FirstOrDefault(a => a.When(request)).Chunks;
        var chunks = script?.Invoke(request) ?? Words($"answer to: {request.Input}");
        foreach (var chunk in chunks) progress?.Report(chunk);
        var text = string.Concat(chunks).TrimEnd();
        return Task.FromResult(new AgentResult(text, request.Model ?? "test/model", new AgentUsage(request.Input.Length, text.Length)));
    }

    // "a b" streams as "a ", "b " (the answer's text is trimmed at the end).
    private static string[] Words(string text) => text.Split(' ').Select(w => w + " ").ToArray();
}
