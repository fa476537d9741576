using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>
/// What a durable run does not journal (streamed text, the stop of its actor) waits for the run's writes in flight, so it is published
/// in order with the journaled events around it — but it must never reach the journal as a write of its own: Akka.Persistence.Sql
/// fails a write of no events, and ten such failures in a row open the journal's circuit breaker, failing every run's writes.
/// </summary>
public sealed class UnjournaledEventsSpec : DurableSpec
{
    [Fact]
    public async Task Text_streamed_while_each_step_start_is_written_is_published_in_order_and_the_run_completes()
    {
        // Twelve agent steps: more than the ten failures that opened the breaker.
        var steps = Enumerable.Range(0, 12).Select(i => $"talk{i}").ToArray();
        var agents = new ScriptedAgents();
        foreach (var step in steps) agents.Streams(step, Chunks(step));
        var tools = new ScriptedTools().Add("after", (_, _) => Task.FromResult<JsonNode?>("ok"));
        var engine = DurableEngine(NewSystem(), tools, agents: agents);
        var definition = Sequential("streams", [.. steps.Select(step => new StepDefinition
        {
            Name = step,
            Kind = StepKind.Agent,
            Agent = new AgentStepSpec { Input = "hi", Model = "test/model" },
        }), Tool("after")]);

        var run = await engine.StartAsync(definition);
        var events = new List<WorkflowEvent>();
        await foreach (var e in run.Events.WithCancellation(new CancellationTokenSource(RunLimit).Token)) events.Add(e);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!.ToString().Should().Be("ok");
        foreach (var step in steps)
        {
            // Every chunk, in order, after the step's start and before its completion.
            var own = events.Where(e => e is StepStarted s && s.Step == step || e is StepProgress p && p.Step == step || e is StepCompleted c && c.Step == step).ToList();
            own.Select(e => e is StepProgress p ? p.Text : e.Kind).Should().Equal(["step_started", .. Chunks(step), "step_completed"]);
        }
    }

    [Fact]
    public async Task Many_runs_ending_at_once_all_complete_and_leave_the_journal_writable()
    {
        // Each run's actor stops after its last write; fifty of them at once once reached the journal as writes of no events.
        var tools = new ScriptedTools().Add("t", (_, _) => Task.FromResult<JsonNode?>("ok"));
        var engine = DurableEngine(NewSystem(), tools);
        var definition = Sequential("many", Tool("t"));
        for (var round = 0; round < 3; round++)
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => engine.StartAsync(definition)));
            var results = await Task.WhenAll(runs.Select(Finished));
            results.Should().OnlyContain(r => r.Status == RunStatus.Completed, string.Join("; ", results.Select(r => r.Error).Distinct()));
        }
    }

    private static string[] Chunks(string step) => Enumerable.Range(0, 5).Select(i => $"{step}-{i} ").ToArray();
}
