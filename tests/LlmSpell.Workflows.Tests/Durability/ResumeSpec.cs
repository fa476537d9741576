using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class ResumeSpec : DurableSpec
{
    private static WorkflowDefinition ThreeSteps => Sequential("three",
        Tool("fetch"),
        Tool("work", parameters: """{"n":"{{steps.fetch.output.n}}"}"""),
        Tool("report", parameters: """{"work":"{{steps.work.output}}"}"""));

    [Fact]
    public async Task A_restarted_engine_resumes_the_run_without_running_completed_steps_again()
    {
        var before = new ScriptedTools().Counts("fetch").Hangs("work").Echo("report");
        var system = NewSystem();
        var engine = DurableEngine(system, before, runId: "r1");
        var run = await engine.StartAsync(ThreeSteps);
        await before.WhenCalled("work").WaitAsync(RunLimit);
        await system.Terminate();
        (await Finished(run)).Status.Should().Be(RunStatus.Cancelled, "the engine stopped under the run");

        var after = new ScriptedTools().Counts("fetch").Echo("work").Echo("report");
        var engine2 = DurableEngine(NewSystem(), after, resumeOnStart: true);
        var resumed = (await engine2.Recovery.WaitAsync(RunLimit)).Should().ContainSingle().Subject;
        resumed.Id.Should().Be("r1");
        var result = await Finished(resumed);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        after.Calls("fetch").Should().Be(0, "fetch completed before the restart");
        after.Calls("work").Should().Be(1, "work was in flight: it runs again");
        after.CallParameters("work").Single()["n"]!.ToString().Should().Be("1", "work sees fetch's recorded output");
        result.Output!["work"]!["n"]!.ToString().Should().Be("1");
        result.Steps.Select(s => s.Name).Should().Equal("fetch", "work", "report");
        (await engine2.ListRunsAsync()).Single().State.Should().Be(RunState.Completed);
        var history = await engine2.GetHistoryAsync("r1");
        history.Select(h => h.Event).OfType<RunResumed>().Should().ContainSingle().Which.CompletedSteps.Should().Be(1);
        history.Select(h => h.Event).OfType<StepCompleted>().Select(c => c.Key).Should().Equal("fetch", "work", "report");
    }

    [Fact]
    public async Task A_finished_run_is_not_resumed()
    {
        var tools = new ScriptedTools().Counts("fetch").Echo("work").Echo("report");
        var engine = DurableEngine(NewSystem(), tools, runId: "done");
        (await Finished(await engine.StartAsync(ThreeSteps))).Status.Should().Be(RunStatus.Completed);

        var engine2 = DurableEngine(NewSystem(), tools, resumeOnStart: true);
        (await engine2.Recovery.WaitAsync(RunLimit)).Should().BeEmpty();
        var resume = () => engine2.ResumeAsync("done");
        (await resume.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("already finished");
        tools.Calls("fetch").Should().Be(1);
    }

    [Fact]
    public async Task A_run_active_on_the_engine_is_not_resumed_under_itself()
    {
        var gate = new TaskCompletionSource();
        var tools = new ScriptedTools().Counts("fetch").WaitsFor("work", gate.Task).Echo("report");
        var engine = DurableEngine(NewSystem(), tools, runId: "active");
        var run = await engine.StartAsync(ThreeSteps);
        await tools.WhenCalled("work").WaitAsync(RunLimit);

        (await engine.ResumeUnfinishedAsync()).Should().BeEmpty();
        var resume = () => engine.ResumeAsync("active");
        (await resume.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("already active");
        var again = () => engine.StartAsync(ThreeSteps);
        (await again.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("already active");

        gate.SetResult();
        (await Finished(run)).Status.Should().Be(RunStatus.Completed);
        tools.Calls("fetch").Should().Be(1);
        tools.Calls("work").Should().Be(1);
        (await engine.GetHistoryAsync("active")).Select(h => h.Event).OfType<RunResumed>().Should().BeEmpty();
    }

    [Fact]
    public async Task A_second_writer_of_a_run_id_fails_and_the_first_run_is_not_corrupted()
    {
        var gate = new TaskCompletionSource();
        var tools = new ScriptedTools().Counts("fetch").WaitsFor("work", gate.Task).Echo("report");
        var first = DurableEngine(NewSystem(), tools, runId: "same");
        var run = await first.StartAsync(ThreeSteps);
        await tools.WhenCalled("work").WaitAsync(RunLimit);

        var here = DurableEngine(NewSystem(), new ScriptedTools());
        var resume = () => here.ResumeAsync("same");
        (await resume.Should().ThrowAsync<InvalidOperationException>("the run is live")).Which.Message
            .Should().Contain($"process {Environment.ProcessId}");

        // An engine that does not look at the live marks gets past them: the journal itself refuses the loser.
        var blind = new WorkflowEngine(NewSystem(), new WorkflowServices { Tools = new ScriptedTools().Echo("work").Echo("report"), Agents = new ScriptedAgents() },
            WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { ResumeOnStart = false }));
        var usurper = await Finished(await blind.ResumeAsync("same"));
        usurper.Status.Should().Be(RunStatus.Completed, usurper.Error);

        gate.SetResult();
        var original = await Finished(run);
        original.Status.Should().Be(RunStatus.Failed);
        original.Error.Should().Contain("Run 'same'").And.Contain("llmspell workflow resume same");
        var history = await here.GetHistoryAsync("same");
        history.Select(h => h.SequenceNr).Should().Equal(Enumerable.Range(1, history.Count).Select(i => (long)i));
        history.Count(h => h.Event is WorkflowStarted).Should().Be(1);
        history[^1].Event.Should().BeOfType<RunCompleted>();
    }

    [Fact]
    public async Task An_unknown_event_is_an_error_naming_the_run()
    {
        var tools = new ScriptedTools().Counts("fetch").Hangs("work").Echo("report");
        var system = NewSystem();
        var engine = DurableEngine(system, tools, runId: "bad");
        await engine.StartAsync(ThreeSteps);
        await tools.WhenCalled("work").WaitAsync(RunLimit);
        await system.Terminate();
        await JournalRows.AppendForeignAsync(Store, "run-bad", "mystery.v9");

        var engine2 = DurableEngine(NewSystem(), tools);
        var resume = () => engine2.ResumeAsync("bad");
        (await resume.Should().ThrowAsync<RunJournalException>()).Which.Message.Should().Contain("'bad'").And.Contain("mystery.v9");
        var history = () => engine2.GetHistoryAsync("bad");
        (await history.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("mystery.v9");
    }

    [Fact]
    public async Task A_run_with_ten_thousand_events_recovers_and_runs_no_recorded_step()
    {
        var loop = new WorkflowDefinition
        {
            Name = "long",
            Type = WorkflowType.Loop,
            Loop = new LoopSpec { Iterator = new RangeIterator(0, 5000, 1), MaxIterations = 5000, Aggregation = LoopAggregation.Last },
            Steps = [Tool("t")],
        };
        var now = DateTimeOffset.UtcNow;
        var events = new List<WorkflowEvent> { new WorkflowStarted("long", WorkflowJson.SerializeDefinition(loop), null) };
        for (var i = 0; i < 5000; i++)
        {
            var key = $"[{i}]/t";
            events.Add(new StepStarted("t", key, 1));
            events.Add(new StepCompleted("t", key, new StepResult { Name = "t", Key = key, Kind = StepKind.Tool, Status = StepStatus.Completed, Attempts = 1, Output = JsonValue.Create(i) }));
        }
        await JournalRows.PersistAsync(NewSystem(), "run-long", events.Select(e => e with { RunId = "long", Timestamp = now }));

        var tools = new ScriptedTools().Counts("t");
        var engine = DurableEngine(NewSystem(), tools, resumeOnStart: true);
        var run = (await engine.Recovery.WaitAsync(RunLimit)).Should().ContainSingle().Subject;
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!.GetValue<int>().Should().Be(4999);
        tools.Calls("t").Should().Be(0);
        result.Steps.Should().HaveCount(5000);
    }

    [Fact]
    public async Task Parallel_branches_nested_workflows_and_loops_resume_with_only_unfinished_steps_run_again()
    {
        var definition = new WorkflowDefinition
        {
            Name = "shapes",
            Type = WorkflowType.Parallel,
            Branches =
            [
                new BranchDefinition { Name = "quick", Steps = [Tool("q")] },
                new BranchDefinition
                {
                    Name = "deep",
                    Steps =
                    [
                        new StepDefinition
                        {
                            Name = "inner", Kind = StepKind.Workflow, Workflow = new WorkflowStepSpec
                            {
                                Inline = new WorkflowDefinition
                                {
                                    Name = "each", Type = WorkflowType.Loop, Steps = [Tool("body"), Tool("gate")],
                                    Loop = new LoopSpec { Iterator = new RangeIterator(0, 3, 1), Aggregation = LoopAggregation.CollectAll },
                                },
                            },
                        },
                        Tool("after", parameters: """{"loop":"{{steps.inner.output}}"}"""),
                    ],
                },
            ],
        };
        var gateCalls = 0;
        var hang = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = new ScriptedTools().Counts("q").Counts("body").Echo("after").Add("gate", async (_, ct) =>
        {
            // Iterations 0 and 1 pass; iteration 2 hangs until the system stops.
            if (Interlocked.Increment(ref gateCalls) < 3) return JsonValue.Create(gateCalls);
            hang.TrySetResult(true);
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        var system = NewSystem();
        var engine = DurableEngine(system, before, runId: "shapes");
        var run = await engine.StartAsync(definition);
        await hang.Task.WaitAsync(RunLimit);
        await before.WhenCalled("q").WaitAsync(RunLimit);
        await NextCompleted(run, "quick/q");
        await system.Terminate();

        var after = new ScriptedTools().Counts("q").Counts("body").Echo("after").Returns("gate", _ => JsonValue.Create("resumed"));
        var engine2 = DurableEngine(NewSystem(), after);
        var result = await Finished(await engine2.ResumeAsync("shapes"));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        after.Calls("q").Should().Be(0, "the quick branch completed before the restart");
        after.Calls("body").Should().Be(0, "every iteration's body step completed before the restart");
        after.Calls("gate").Should().Be(1, "only iteration 2's gate was in flight");
        after.Calls("after").Should().Be(1);
        after.CallParameters("after").Single()["loop"]!.ToJsonString().Should().Be("""[1,2,"resumed"]""");
    }

    private static async Task NextCompleted(LlmSpell.Workflows.Execution.IWorkflowRun run, string key)
    {
        using var cts = new CancellationTokenSource(RunLimit);
        await foreach (var e in run.Events.WithCancellation(cts.Token))
            if (e is StepCompleted c && c.Key == key) return;
    }
}
