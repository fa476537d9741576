using System.Text.Json.Nodes;
using LlmSpell.Actors.Persistence;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
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
        var store = await OpenStore();
        var before = new ScriptedTools().Counts("fetch").Hangs("work").Echo("report");
        var system = NewSystem();
        var engine = DurableEngine(system, store.Journal, before, runId: "r1");
        var run = await engine.StartAsync(ThreeSteps);
        await before.WhenCalled("work").WaitAsync(RunLimit);
        await system.Terminate();
        await engine.FlushJournalsAsync();
        (await Finished(run)).Status.Should().Be(RunStatus.Cancelled, "the engine stopped under the run");
        await store.DisposeAsync();

        var after = new ScriptedTools().Counts("fetch").Echo("work").Echo("report");
        var reopened = await OpenStore();
        var engine2 = DurableEngine(NewSystem(), reopened.Journal, after, resumeOnStart: true);
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
        var store = await OpenStore();
        var tools = new ScriptedTools().Counts("fetch").Echo("work").Echo("report");
        var engine = DurableEngine(NewSystem(), store.Journal, tools, runId: "done");
        (await Finished(await engine.StartAsync(ThreeSteps))).Status.Should().Be(RunStatus.Completed);

        var engine2 = DurableEngine(NewSystem(), store.Journal, tools, resumeOnStart: true);
        (await engine2.Recovery.WaitAsync(RunLimit)).Should().BeEmpty();
        var resume = () => engine2.ResumeAsync("done");
        (await resume.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("already finished");
        tools.Calls("fetch").Should().Be(1);
    }

    [Fact]
    public async Task A_run_active_on_the_engine_is_not_resumed_under_itself()
    {
        var store = await OpenStore();
        var gate = new TaskCompletionSource();
        var tools = new ScriptedTools().Counts("fetch").WaitsFor("work", gate.Task).Echo("report");
        var engine = DurableEngine(NewSystem(), store.Journal, tools, runId: "active");
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
        var store = await OpenStore();
        var gate = new TaskCompletionSource();
        var tools = new ScriptedTools().Counts("fetch").WaitsFor("work", gate.Task).Echo("report");
        var first = DurableEngine(NewSystem(), store.Journal, tools, runId: "same");
        var run = await first.StartAsync(ThreeSteps);
        await tools.WhenCalled("work").WaitAsync(RunLimit);

        var second = DurableEngine(NewSystem(), store.Journal, new ScriptedTools().Echo("fetch").Echo("work").Echo("report"), runId: "same");
        var start = () => second.StartAsync(ThreeSteps);
        (await start.Should().ThrowAsync<RunJournalException>()).Which.InnerException.Should().BeOfType<ConcurrentWriteException>();

        gate.SetResult();
        (await Finished(run)).Status.Should().Be(RunStatus.Completed);
        var history = await first.GetHistoryAsync("same");
        history.Select(h => h.SequenceNr).Should().Equal(Enumerable.Range(1, history.Count).Select(i => (long)i));
        history.OfType<RunHistoryEntry>().Count(h => h.Event is WorkflowStarted).Should().Be(1);
        history[^1].Event.Should().BeOfType<RunCompleted>();
    }

    [Fact]
    public async Task An_unknown_or_corrupt_event_is_an_error_naming_the_run_and_the_sequence_number()
    {
        var store = await OpenStore();
        var tools = new ScriptedTools().Counts("fetch").Hangs("work").Echo("report");
        var system = NewSystem();
        var engine = DurableEngine(system, store.Journal, tools, runId: "bad");
        await engine.StartAsync(ThreeSteps);
        await tools.WhenCalled("work").WaitAsync(RunLimit);
        await system.Terminate();
        await engine.FlushJournalsAsync();
        var highest = await store.Journal.ReadHighestSequenceNrAsync("run-bad");
        await store.Journal.WriteAsync([new PersistentRepr("run-bad", highest + 1, "mystery.v9", "{}", DateTimeOffset.UtcNow)]);

        var engine2 = DurableEngine(NewSystem(), store.Journal, tools);
        var resume = () => engine2.ResumeAsync("bad");
        var error = (await resume.Should().ThrowAsync<RunJournalException>()).Which;
        error.Message.Should().Contain("'bad'").And.Contain($"#{highest + 1}").And.Contain("mystery.v9");

        await store.Journal.WriteAsync([new PersistentRepr("run-corrupt", 1, "workflow-started.v1", "{not json", DateTimeOffset.UtcNow)]);
        var history = () => engine2.GetHistoryAsync("corrupt");
        (await history.Should().ThrowAsync<RunJournalException>()).Which.Message.Should().Contain("'corrupt'").And.Contain("#1");
    }

    [Fact]
    public async Task A_run_with_ten_thousand_events_recovers_and_runs_no_recorded_step()
    {
        var store = await OpenStore();
        var loop = new WorkflowDefinition
        {
            Name = "long",
            Type = WorkflowType.Loop,
            Loop = new LoopSpec { Iterator = new RangeIterator(0, 5000, 1), MaxIterations = 5000, Aggregation = LoopAggregation.Last },
            Steps = [Tool("t")],
        };
        var serializer = WorkflowJson.CreateEventSerializer();
        var now = DateTimeOffset.UtcNow;
        var events = new List<WorkflowEvent> { new WorkflowStarted("long", WorkflowJson.SerializeDefinition(loop), null) };
        for (var i = 0; i < 5000; i++)
        {
            var key = $"[{i}]/t";
            events.Add(new StepStarted("t", key, 1));
            events.Add(new StepCompleted("t", key, new StepResult { Name = "t", Key = key, Kind = StepKind.Tool, Status = StepStatus.Completed, Attempts = 1, Output = JsonValue.Create(i) }));
        }
        var reprs = events.Select((e, i) =>
        {
            var s = serializer.Serialize(e with { RunId = "long", Timestamp = now });
            return new PersistentRepr("run-long", i + 1, s.Manifest, s.Payload, now);
        }).ToArray();
        await store.Journal.WriteAsync(reprs);

        var tools = new ScriptedTools().Counts("t");
        var engine = DurableEngine(NewSystem(), store.Journal, tools, resumeOnStart: true);
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
        var store = await OpenStore();
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
        var engine = DurableEngine(system, store.Journal, before, runId: "shapes");
        var run = await engine.StartAsync(definition);
        await hang.Task.WaitAsync(RunLimit);
        await before.WhenCalled("q").WaitAsync(RunLimit);
        await NextCompleted(run, "quick/q");
        await system.Terminate();
        await engine.FlushJournalsAsync();

        var after = new ScriptedTools().Counts("q").Counts("body").Echo("after").Returns("gate", _ => JsonValue.Create("resumed"));
        var engine2 = DurableEngine(NewSystem(), store.Journal, after);
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
