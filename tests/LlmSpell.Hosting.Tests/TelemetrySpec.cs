using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using LlmSpell.Hosting.Telemetry;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSpell.Hosting.Tests;

public sealed class TelemetrySpec : HostSpec, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Activity>> _runEnded = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public TelemetrySpec()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LlmSpellTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                _stopped.Enqueue(a);
                if (a.Parent is null && a.ParentSpanId == default && a.GetTagItem(LlmSpellTelemetry.WorkflowTag) is string wf)
                    _runEnded.GetOrAdd(wf, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(a);
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LlmSpellTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dict = new Dictionary<string, object?>();
        foreach (var tag in tags) dict[tag.Key] = tag.Value;
        _measurements.Enqueue((instrument.Name, value, dict));
    }

    private Task<Activity> RunEnded(string workflow) =>
        _runEnded.GetOrAdd(workflow, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Limit);

    private double Sum(string instrument, string workflow, string? tag = null, object? value = null) =>
        _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(LlmSpellTelemetry.WorkflowTag), workflow)
                                 && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value)))
            .Sum(m => m.Value);

    [Fact]
    public async Task A_run_is_a_trace_whose_steps_are_child_spans_with_gen_ai_attributes()
    {
        var workflow = "traced-" + Guid.NewGuid().ToString("N")[..8];
        using var host = BuildHost(b => b.WithInMemoryRuns().WithTool(CountingTool("t-" + workflow)),
            s => s.AddSingleton<IAgentExecutor>(new ScriptedAgents("ollama/tiny", input: 11, output: 7)));
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>()
            .RunAsync(Sequential(workflow, Steps.Agent("ask"), Tool("t-" + workflow))).WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        var root = await RunEnded(workflow);

        root.GetTagItem(LlmSpellTelemetry.RunIdTag).Should().Be(result.RunId);
        root.GetTagItem(LlmSpellTelemetry.StatusTag).Should().Be("completed");
        root.ParentSpanId.Should().Be(default(ActivitySpanId), "a run is the root of its own trace");
        var steps = _stopped.Where(a => a.TraceId == root.TraceId && a != root).ToArray();
        steps.Select(s => s.GetTagItem(LlmSpellTelemetry.StepTag)).Should().BeEquivalentTo(new[] { "ask", "t-" + workflow });
        steps.Should().OnlyContain(s => s.ParentSpanId == root.SpanId);
        var agent = steps.Single(s => (string?)s.GetTagItem(LlmSpellTelemetry.StepTag) == "ask");
        agent.GetTagItem("gen_ai.operation.name").Should().Be("chat");
        agent.GetTagItem("gen_ai.request.model").Should().Be("ollama/tiny");
        agent.GetTagItem("gen_ai.usage.input_tokens").Should().Be(11L);
        agent.GetTagItem("gen_ai.usage.output_tokens").Should().Be(7L);
        steps.Single(s => s != agent).GetTagItem("gen_ai.request.model").Should().BeNull("a tool step is no LLM call");
        root.Duration.Should().BeGreaterThanOrEqualTo(agent.Duration);
        await host.StopAsync();
    }

    [Fact]
    public async Task Counters_count_runs_steps_and_tokens_and_active_runs_return_to_zero()
    {
        var workflow = "metered-" + Guid.NewGuid().ToString("N")[..8];
        var boom = "boom-" + workflow;
        using var host = BuildHost(b => b.WithInMemoryRuns()
                .WithTool(new DelegateTool(boom, "fails", new JsonObject { ["type"] = "object" }, (_, _, _) => throw new InvalidOperationException("boom")))
                .WithTool(CountingTool("ok-" + workflow)),
            s => s.AddSingleton<IAgentExecutor>(new ScriptedAgents("ollama/tiny", input: 5, output: 3)));
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        (await engine.RunAsync(Sequential(workflow, Steps.Agent("ask"), Tool("ok-" + workflow))).WaitAsync(Limit)).Status.Should().Be(RunStatus.Completed);
        await RunEnded(workflow);
        _runEnded.TryRemove(workflow, out _);
        (await engine.RunAsync(Sequential(workflow, Tool(boom))).WaitAsync(Limit)).Status.Should().Be(RunStatus.Failed);
        await RunEnded(workflow);

        Sum("llmspell.runs.started", workflow).Should().Be(2);
        Sum("llmspell.runs.completed", workflow).Should().Be(1);
        Sum("llmspell.runs.failed", workflow).Should().Be(1);
        Sum("llmspell.runs.active", workflow).Should().Be(0, "each start adds one and each end takes it back");
        _measurements.Count(m => m.Instrument == "llmspell.runs.active" && Equals(m.Tags.GetValueOrDefault(LlmSpellTelemetry.WorkflowTag), workflow) && m.Value > 0).Should().Be(2);
        _measurements.Count(m => m.Instrument == "llmspell.step.duration" && Equals(m.Tags.GetValueOrDefault(LlmSpellTelemetry.WorkflowTag), workflow)).Should().BeGreaterThanOrEqualTo(2);
        Sum("gen_ai.client.token.usage.total", workflow, "gen_ai.token.type", "input").Should().Be(5);
        Sum("gen_ai.client.token.usage.total", workflow, "gen_ai.token.type", "output").Should().Be(3);
        await host.StopAsync();
    }

    void IDisposable.Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        Dispose();
    }
}
