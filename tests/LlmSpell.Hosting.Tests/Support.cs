using System.Collections.Concurrent;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using Serilog.Core;
using Serilog.Events;

namespace LlmSpell.Hosting.Tests;

/// <summary>Answers every agent step with a fixed text, model and usage.</summary>
internal sealed class ScriptedAgents(string model = "scripted/model", long input = 11, long output = 7) : IAgentExecutor
{
    public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Task.FromResult(new AgentResult($"answer to {request.StepName}", model, new AgentUsage(input, output)));
}

/// <summary>Keeps every Serilog event; lets a test await one that matches.</summary>
internal sealed class CapturingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();
    private readonly ConcurrentBag<(Func<LogEvent, bool> Match, TaskCompletionSource<LogEvent> Done)> _waiters = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent)
    {
        _events.Enqueue(logEvent);
        foreach (var (match, done) in _waiters)
            if (match(logEvent)) done.TrySetResult(logEvent);
    }

    public Task<LogEvent> WaitFor(Func<LogEvent, bool> match)
    {
        var done = new TaskCompletionSource<LogEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((match, done));
        foreach (var e in _events)
            if (match(e)) done.TrySetResult(e);
        return done.Task;
    }

    /// <summary>Everything a sink could write: rendered message, template, properties, exception.</summary>
    public static string Text(LogEvent e) =>
        string.Join(" | ", e.RenderMessage(), e.MessageTemplate.Text, string.Join(",", e.Properties.Select(p => $"{p.Key}={p.Value}")), e.Exception?.ToString() ?? "");

    public static string? Scalar(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var v) && v is ScalarValue { Value: { } value } ? value.ToString() : null;
}

internal static class Steps
{
    public static StepDefinition Agent(string name, string input = "hello") => new()
    {
        Name = name,
        Kind = StepKind.Agent,
        Agent = new AgentStepSpec { Input = input },
    };
}
