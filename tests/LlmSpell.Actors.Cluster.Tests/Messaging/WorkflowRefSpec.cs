using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;
using static LlmSpell.Actors.Cluster.Tests.Messaging.MessagingHarness;

namespace LlmSpell.Actors.Cluster.Tests.Messaging;

/// <summary>Runs on one node reached from elsewhere through <see cref="WorkflowRef"/>: real engines, journal and inbox on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkflowRefSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private MessagingHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MessagingHarness.StartAsync(postgres, nameof(WorkflowRefSpec));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Asking_a_runs_status_is_answered_by_the_node_that_owns_it()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools());
        await _cluster.NodeAsync("b", new ScriptedTools());
        var run = await a.StartAsync(Sequential("approve", Wait("approval", "approved")));
        var client = await _cluster.ClientAsync();

        var status = await client.Run(run.Id).Ask<RunStatusReply>(RunMessage.GetStatus.Instance, Limit);

        status.RunId.Should().Be(run.Id);
        status.Workflow.Should().Be("approve");
        status.State.Should().Be(RunState.Unfinished);
        status.Node.Should().Be(a.Name);
        status.EventCount.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_run_owned_by_another_node_is_cancelled_through_its_ref()
    {
        var tools = new ScriptedTools().Hangs("slow");
        var a = await _cluster.NodeAsync("a", tools);
        var b = await _cluster.NodeAsync("b", new ScriptedTools());
        var run = await a.StartAsync(Sequential("long", Tool("slow")));
        await tools.WhenCalled("slow").WaitAsync(Limit);
        var client = await _cluster.ClientAsync();

        var ack = await client.Run(run.Id).Ask<Acknowledged>(new RunMessage.Cancel("stopped from b"), Limit);

        ack.Node.Should().Be(a.Name);
        var result = await run.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Cancelled);
        result.Error.Should().Contain("stopped from b");
        tools.CancellationObserved("slow").Should().BeTrue();
        (await b.Engine.GetSummaryAsync(run.Id)).State.Should().Be(RunState.Cancelled, "b reads the same journal");
    }

    [Fact]
    public async Task A_signal_reaches_a_run_waiting_on_another_node_and_the_run_continues_there()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools().Echo("publish"));
        var run = await a.StartAsync(Sequential("approve", Wait("approval", "approved"), Tool("publish")));
        var client = await _cluster.ClientAsync();
        var target = client.Run(run.Id);
        await FirstAsync<SignalAwaited>(target);

        var wrong = () => target.Ask<Acknowledged>(new RunMessage.Signal("rejected", null), Limit);
        (await wrong.Should().ThrowAsync<ClusterMessageException>()).Which.Message.Should().Contain("approved");
        var ack = await target.Ask<Acknowledged>(new RunMessage.Signal("approved", new JsonObject { ["by"] = "ana" }), Limit);

        ack.Node.Should().Be(a.Name);
        var result = await run.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Steps.Single(s => s.Name == "approval").Output!["by"]!.GetValue<string>().Should().Be("ana");
    }

    [Fact]
    public async Task A_signal_redelivered_after_its_node_died_between_applying_and_marking_it_is_not_applied_again()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools().Echo("done"));
        var run = await a.StartAsync(Sequential("twice", Wait("first", "go"), Wait("second", "go"), Tool("done")));
        var client = await _cluster.ClientAsync();
        var first = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Run(run.Id), ClusterWire.SignalKind, Signal("go", 1), client.Name, first);
        await _cluster.WaitDeliveredAsync(first);
        await NthAsync<SignalAwaited>(client.Run(run.Id), 2);

        // What a node that died after the engine applied the signal, before the delivery committed, leaves behind:
        // the note taken before applying, and the message pending again.
        await _cluster.ExecuteAsync($"INSERT INTO {_cluster.Schema}.cluster_applying (message_id, run_id, signals_before) VALUES ($1, $2, 0)", first, run.Id);
        await _cluster.ExecuteAsync($"UPDATE {_cluster.Schema}.cluster_inbox SET delivered_at = NULL WHERE message_id = $1", first);
        a.Dispatcher.Wake();
        await _cluster.WaitDeliveredAsync(first);

        var history = await a.Engine.GetHistoryAsync(run.Id);
        history.Select(h => h.Event).OfType<SignalReceived>().Should().ContainSingle("the redelivery was recognised");
        var second = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Run(run.Id), ClusterWire.SignalKind, Signal("go", 2), client.Name, second);
        var result = await run.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Steps.Single(s => s.Name == "first").Output!["n"]!.GetValue<int>().Should().Be(1);
        result.Steps.Single(s => s.Name == "second").Output!["n"]!.GetValue<int>().Should().Be(2);
        // The note goes with the delivery's commit, which may follow the run's end: wait for it, then none is left.
        await _cluster.WaitDeliveredAsync(second);
        (await _cluster.ScalarAsync<long>($"SELECT count(*) FROM {_cluster.Schema}.cluster_applying WHERE run_id = $1", run.Id)).Should().Be(0);
    }

    [Fact]
    public async Task A_signal_whose_node_died_before_applying_it_is_applied_on_redelivery()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools());
        var run = await a.StartAsync(Sequential("once", Wait("approval", "go")));
        var client = await _cluster.ClientAsync();
        await FirstAsync<SignalAwaited>(client.Run(run.Id));
        var id = Guid.NewGuid();
        await _cluster.ExecuteAsync($"INSERT INTO {_cluster.Schema}.cluster_applying (message_id, run_id, signals_before) VALUES ($1, $2, 0)", id, run.Id);

        await _cluster.Inbox.SendAsync(InboxTarget.Run(run.Id), ClusterWire.SignalKind, Signal("go", 7), client.Name, id);

        var result = await run.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Steps.Single().Output!["n"]!.GetValue<int>().Should().Be(7);
    }

    [Fact]
    public async Task Watching_a_run_from_another_node_streams_its_journaled_events_until_it_ends()
    {
        var gate = new TaskCompletionSource();
        var tools = new ScriptedTools().WaitsFor("fetch", gate.Task).Echo("report");
        var a = await _cluster.NodeAsync("a", tools);
        var run = await a.StartAsync(Sequential("watched", Tool("fetch"), Tool("report")));
        var client = await _cluster.ClientAsync();
        var seen = new List<WorkflowEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in client.Run(run.Id).WatchAsync().WithCancellation(new CancellationTokenSource(Limit).Token))
            {
                lock (seen) seen.Add(e);
            }
        });
        await tools.WhenCalled("fetch").WaitAsync(Limit);

        gate.SetResult();
        await watching.WaitAsync(Limit);

        seen.Should().StartWith(seen.OfType<WorkflowStarted>().Take(1));
        seen.OfType<StepCompleted>().Select(e => e.Step).Should().Equal("fetch", "report");
        seen[^1].Should().BeOfType<RunCompleted>();
        seen.Select(e => e.Timestamp).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task A_node_asked_to_resume_an_interrupted_run_takes_it_over_without_running_completed_steps_again()
    {
        var gate = new TaskCompletionSource();
        var before = new ScriptedTools().Counts("one").WaitsFor("two", gate.Task);
        var a = await _cluster.NodeAsync("a", before);
        var run = await a.StartAsync(Sequential("moved", Tool("one"), Tool("two")));
        await before.WhenCalled("two").WaitAsync(Limit);
        await a.StopAsync();
        var after = new ScriptedTools().Counts("one").Echo("two");
        var b = await _cluster.NodeAsync("b", after);
        var client = await _cluster.ClientAsync();

        var ack = await client.ResumeOnAsync(b.Name, run.Id, Limit);

        ack.Node.Should().Be(b.Name);
        var resumed = b.Resumed.Should().ContainSingle().Subject;
        var result = await resumed.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        after.Calls("one").Should().Be(0, "step one completed on node a");
        after.Calls("two").Should().Be(1);
        (await client.OwnerOfAsync(run.Id))!.Node.Should().Be(b.Name);
        var again = () => client.ResumeOnAsync(b.Name, run.Id, Limit);
        (await again.Should().ThrowAsync<ClusterMessageException>()).Which.Message.Should().Contain("already finished");
    }

    [Fact]
    public async Task An_ask_about_a_run_without_a_lease_fails_at_once_and_one_nobody_answers_times_out_with_what_to_do()
    {
        var client = await _cluster.ClientAsync();
        var orphan = () => client.Run(_cluster.Name("nowhere")).Ask<RunStatusReply>(RunMessage.GetStatus.Instance, Limit);
        (await orphan.Should().ThrowAsync<RunNotOwnedException>()).Which.Message.Should().Contain("not owned by any node");

        var runId = _cluster.Name("ghost-run");
        await _cluster.LeaseAsync(runId, _cluster.Name("ghost"));
        var unanswered = () => client.Run(runId).Ask<RunStatusReply>(RunMessage.GetStatus.Instance, TimeSpan.FromMilliseconds(300));
        (await unanswered.Should().ThrowAsync<ClusterAskTimeoutException>()).Which.Message
            .Should().Contain($"run {runId} did not answer within 300 ms").And.Contain("llmspell node list");
        (await _cluster.ScalarAsync<long>($"SELECT count(*) FROM {_cluster.Schema}.cluster_inbox WHERE target = $1", InboxTarget.Run(runId)))
            .Should().Be(0, "a timed-out ask is withdrawn so that it does not act later");
    }

    [Fact]
    public async Task A_message_about_a_run_its_node_does_not_know_gets_an_error_answer()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools());
        var runId = _cluster.Name("never-started");
        await _cluster.LeaseAsync(runId, a.Name);
        var client = await _cluster.ClientAsync();

        var ask = () => client.Run(runId).Ask<RunStatusReply>(RunMessage.GetStatus.Instance, Limit);

        var error = (await ask.Should().ThrowAsync<ClusterMessageException>()).Which;
        error.Node.Should().Be(a.Name);
        error.Message.Should().Contain(runId);
    }

    private static JsonObject Signal(string name, int n) => new() { ["signal"] = name, ["payload"] = new JsonObject { ["n"] = n } };

    private static Task<T> FirstAsync<T>(WorkflowRef run) where T : WorkflowEvent => NthAsync<T>(run, 1);

    private static async Task<T> NthAsync<T>(WorkflowRef run, int n) where T : WorkflowEvent
    {
        using var limit = new CancellationTokenSource(Limit);
        var count = 0;
        await foreach (var e in run.WatchAsync().WithCancellation(limit.Token))
            if (e is T t && ++count == n) return t;
        throw new Xunit.Sdk.XunitException($"run {run.RunId} ended before its {typeof(T).Name} #{n}");
    }
}
