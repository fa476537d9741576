using System.Text.Json.Nodes;
using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>
/// Durable runs from the command line: <c>run</c> journals to <c>&lt;data-dir&gt;/llmspell.db</c> and leaves a run
/// paused on a wait step; <c>workflow list | show | history | signal | resume | cancel | export | purge</c> work on the journal.
/// </summary>
public sealed class WorkflowRunsSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    // draft (a file), then wait for 'approve', then publish the approval's payload into a file.
    private string ApprovalWorkflow() => Definition("approval.json", """
        {"name": "approval", "type": "sequential", "steps": [
          {"name": "draft", "step_type": "tool", "tool": "file-write", "parameters": {"path": "draft.txt", "content": "draft one"}},
          {"name": "approve", "step_type": "wait", "signal": "approve", "timeout_s": 600},
          {"name": "publish", "step_type": "tool", "tool": "file-write", "parameters": {"path": "published.txt", "content": "ok={{steps.approve.output.ok}}"}}
        ]}
        """);

    private async Task<string> RunUntilPausedAsync()
    {
        var run = await Offline.RunAsync("run", ApprovalWorkflow(), "--output", "json");
        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json;
        json["status"]!.GetValue<string>().Should().Be("paused");
        json["waiting_for"]![0]!["signal"]!.GetValue<string>().Should().Be("approve");
        return json["run_id"]!.GetValue<string>();
    }

    private async Task<JsonObject> ListedAsync(string runId)
    {
        var list = await Offline.RunAsync("workflow", "list", "--output", "json");
        list.ExitCode.Should().Be(0, list.ToString());
        return list.Json.AsArray().Single(r => r!["run_id"]!.GetValue<string>() == runId)!.AsObject();
    }

    [Fact]
    public async Task A_run_pauses_on_its_wait_step_and_a_signal_continues_it_with_the_payload()
    {
        var run = await Offline.RunAsync("run", ApprovalWorkflow());

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex("⏸ Workflow 'approval' paused: waiting for signal 'approve' \\(llmspell workflow signal [0-9a-f]{32} approve --data JSON\\)");
        var runId = run.Stdout.Split("Run: ")[1].Trim();
        File.Exists(Path.Combine(DataDirectory, "llmspell.db")).Should().BeTrue("runs are journaled in the data directory");
        File.Exists(Path.Combine(Workspace, "published.txt")).Should().BeFalse();

        var listed = await ListedAsync(runId);
        listed["status"]!.GetValue<string>().Should().Be("paused");
        listed["workflow"]!.GetValue<string>().Should().Be("approval");
        listed["steps_done"]!.GetValue<int>().Should().Be(1);
        var table = await Offline.RunAsync("workflow", "list", "--status", "paused");
        table.Stdout.Should().MatchRegex($"{runId}  approval  paused  \\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  1\n");
        (await Offline.RunAsync("workflow", "list", "--status", "completed")).Stdout.Should().NotContain(runId);

        var show = await Offline.RunAsync("workflow", "show", runId);
        show.ExitCode.Should().Be(0, show.ToString());
        show.Stdout.Should().ContainAll("Status:    paused", $"Waiting:   signal 'approve' at step approve (llmspell workflow signal {runId} approve --data JSON)");
        show.Stdout.Should().MatchRegex("draft +completed +1 +\\d+ms +\\{\"path\":\"draft.txt\"");

        var signal = await Offline.RunAsync("workflow", "signal", runId, "approve", "--data", """{"ok":true}""", "--output", "json");

        signal.ExitCode.Should().Be(0, signal.ToString());
        signal.Json["run_id"]!.GetValue<string>().Should().Be(runId);
        signal.Json["run_status"]!.GetValue<string>().Should().Be("completed");
        signal.Stderr.Should().Contain("signal_received approve got signal 'approve'").And.NotContain("step_started draft", "the completed step is not run again");
        File.ReadAllText(Path.Combine(Workspace, "published.txt")).Should().Be("ok=true", "the step after the wait sees the signal's payload");

        var done = await Offline.RunAsync("workflow", "show", runId, "--output", "json");
        done.Json["status"]!.GetValue<string>().Should().Be("completed");
        done.Json["steps"]!.AsArray().Select(s => $"{s!["key"]}:{s["status"]}:{s["attempts"]}").Should().Equal("draft:completed:1", "approve:completed:1", "publish:completed:1");
        done.Json["steps"]![1]!["output"]!["ok"]!.GetValue<bool>().Should().BeTrue();

        var history = await Offline.RunAsync("workflow", "history", runId);
        history.ExitCode.Should().Be(0, history.ToString());
        var kinds = history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)).ToArray();
        kinds.Select(c => c[0].Trim()).Should().Equal(Enumerable.Range(1, kinds.Length).Select(i => i.ToString()), "events are listed by sequence number");
        kinds.Select(c => c[2].Trim()).Should().ContainInOrder("workflow_started", "step_completed", "signal_awaited", "run_resumed", "signal_received", "run_completed");
        var historyJson = await Offline.RunAsync("workflow", "history", runId, "--output", "json");
        historyJson.Json.AsArray().Last()!["type"]!.GetValue<string>().Should().Be("workflow-completed.v1");

        var again = await Offline.RunAsync("workflow", "signal", runId, "approve");
        again.ExitCode.Should().Be(2, again.ToString());
        again.Stderr.Should().Be($"error: run {runId} has already finished (completed); only unfinished runs can be signalled\n");
    }

    [Fact]
    public async Task A_signal_the_run_does_not_wait_for_is_refused_and_the_run_stays_paused()
    {
        var runId = await RunUntilPausedAsync();

        var wrong = await Offline.RunAsync("workflow", "signal", runId, "reject", "--data", "{}");

        wrong.ExitCode.Should().Be(2, wrong.ToString());
        wrong.Stderr.Should().Be($"error: run {runId} is not waiting for signal 'reject'; it waits for: 'approve'\n");
        (await ListedAsync(runId))["status"]!.GetValue<string>().Should().Be("paused");
        File.Exists(Path.Combine(Workspace, "published.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Cancel_records_the_cancel_of_an_unfinished_run_in_its_journal()
    {
        var runId = await RunUntilPausedAsync();

        var cancel = await Offline.RunAsync("workflow", "cancel", runId);

        cancel.ExitCode.Should().Be(0, cancel.ToString());
        cancel.Stdout.Should().Be($"Cancelled run {runId} (workflow 'approval', was paused, 1 step done): the cancel is recorded in its journal and it will not be resumed.\n");
        var listed = await ListedAsync(runId);
        listed["status"]!.GetValue<string>().Should().Be("cancelled");
        listed["error"]!.GetValue<string>().Should().Be("cancelled with 'llmspell workflow cancel'");
        var resume = await Offline.RunAsync("workflow", "resume", runId);
        resume.ExitCode.Should().Be(2, resume.ToString());
        resume.Stderr.Should().Be($"error: run {runId} has already finished (cancelled); only unfinished runs can be resumed\n");
        var cancelAgain = await Offline.RunAsync("workflow", "cancel", runId);
        cancelAgain.ExitCode.Should().Be(2, cancelAgain.ToString());
        var export = await Offline.RunAsync("workflow", "export", runId);
        export.ExitCode.Should().Be(0, export.ToString());
        export.Json["runId"]!.GetValue<string>().Should().Be(runId);
        export.Json["state"]!.GetValue<string>().Should().Be("Cancelled");
        export.Json["definition"]!["definition"]!["name"]!.GetValue<string>().Should().Be("approval");
    }

    [Theory]
    [InlineData("show")]
    [InlineData("history")]
    [InlineData("resume")]
    [InlineData("cancel")]
    [InlineData("export")]
    public async Task An_unknown_run_id_is_one_clear_error(string command)
    {
        var run = await Offline.RunAsync("workflow", command, "no-such-run");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stdout.Should().BeEmpty();
        run.Stderr.Should().Be("error: no run with id 'no-such-run' in the journal (it never started, or it was purged); 'llmspell workflow list' shows the runs\n");
    }

    [Fact]
    public async Task Signal_to_an_unknown_run_is_one_clear_error()
    {
        var run = await Offline.RunAsync("workflow", "signal", "no-such-run", "approve", "--data", "{}");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: no run with id 'no-such-run' in the journal");
    }

    [Fact]
    public async Task A_command_waits_for_a_journal_that_is_slow_to_start()
    {
        // Another process holds the write lock of the new journal file, so its tables cannot be created: the journal's start
        // takes past Akka.Persistence.Sql's own 5 s wait for it (as a loaded machine did). The command waits for the start.
        var database = Path.Combine(DataDirectory, "llmspell.db");
        await using var holder = new SqliteConnection($"Data Source={database};Pooling=False");
        await holder.OpenAsync();
        await using (var wal = holder.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync();
        }
        await using var writeLock = (SqliteTransaction)await holder.BeginTransactionAsync();
        await using (var write = holder.CreateCommand())
        {
            write.CommandText = "CREATE TABLE held (x INTEGER)";
            await write.ExecuteNonQueryAsync();
        }

        var signal = Offline.RunAsync("workflow", "signal", "no-such-run", "approve", "--data", "{}");
        await Task.Delay(TimeSpan.FromSeconds(7));
        signal.IsCompleted.Should().BeFalse("nothing can be read before the journal's tables exist");
        await writeLock.RollbackAsync();
        var run = await signal;

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: no run with id 'no-such-run' in the journal");
    }

    [Fact]
    public async Task A_run_killed_mid_step_resumes_without_running_its_completed_step_again()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Ollama.OnPrompt("Outline the memo", ScriptedReply.Text("1. costs 2. plans"));
        // The second step's model call hangs until the test opens the gate: the process is killed while it waits.
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Ollama.On(r =>
        {
            var hit = r.Path == "/api/chat" && r.Prompt?.Contains("Write the memo", StringComparison.Ordinal) == true;
            if (hit) arrived.TrySetResult();
            return hit;
        }, ScriptedReply.Text("Memo: costs, then plans.").WithGate(gate.Task));
        var definition = Definition("memo.json", """
            {"name": "memo", "type": "sequential", "steps": [
              {"name": "outline", "step_type": "agent", "input": "Outline the memo"},
              {"name": "write", "step_type": "agent", "input": "Write the memo from: {{steps.outline.output}}"}
            ]}
            """);

        string runId;
        await using (var process = Cli.With("LLMSPELL_PROGRESS", "plain").Start("run", definition))
        {
            await process.StderrLineAsync("step_started write (attempt 1)");
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await process.KillAsync();
        }
        var list = await Cli.RunAsync("workflow", "list", "--output", "json");
        var listed = list.Json.AsArray().Single()!;
        listed["status"]!.GetValue<string>().Should().Be("interrupted", "no process runs it any more");
        listed["pid"].Should().BeNull();
        listed["steps_done"]!.GetValue<int>().Should().Be(1);
        runId = listed["run_id"]!.GetValue<string>();
        var show = await Cli.RunAsync("workflow", "show", runId);
        show.Stdout.Should().ContainAll("Status:    interrupted", $"Resume:    llmspell workflow resume {runId}").And.MatchRegex("write +interrupted +1");
        gate.SetResult();

        var resume = await Cli.With("LLMSPELL_PROGRESS", "plain").RunAsync("workflow", "resume", runId, "--output", "json");

        resume.ExitCode.Should().Be(0, resume.ToString());
        resume.Json["run_id"]!.GetValue<string>().Should().Be(runId);
        resume.Json["run_status"]!.GetValue<string>().Should().Be("completed");
        resume.Json["output"]!.GetValue<string>().Should().Be("Memo: costs, then plans.");
        resume.Stderr.Should().NotContain("step_started outline");
        var chats = Ollama.Requests.Where(r => r.Path == "/api/chat").ToArray();
        chats.Count(r => r.Prompt!.Contains("Outline the memo")).Should().Be(1, "the completed first step is not run again");
        chats.Count(r => r.Prompt!.Contains("Write the memo from: 1. costs 2. plans")).Should().Be(2, "the interrupted step runs again, with the first step's recorded output");
        (await ListedAsync(runId))["status"]!.GetValue<string>().Should().Be("completed");
    }

    [Fact]
    public async Task Template_exec_journals_its_run_and_prints_the_run_id()
    {
        Ollama.OnPrompt("What is 100-42?", ScriptedReply.Text("58"));

        var run = await Cli.RunAsync("template", "exec", "workflow-orchestrator",
            "--param", """workflow_config={"steps":[{"name":"ask","step_type":"agent","description":"What is 100-42?"}]}""", "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var runId = run.Json["run_id"]!.GetValue<string>();
        run.Json["metrics"]!["custom_metrics"]!["run_id"]!.GetValue<string>().Should().Be(runId);
        var listed = await ListedAsync(runId);
        listed["status"]!.GetValue<string>().Should().Be("completed");
        listed["steps_done"]!.GetValue<int>().Should().Be(1);
        var text = await Cli.RunAsync("template", "exec", "workflow-orchestrator",
            "--param", """workflow_config={"steps":[{"name":"ask","step_type":"agent","description":"What is 100-42?"}]}""");
        text.Stdout.Should().MatchRegex("  Run:           [0-9a-f]{32}\n");
    }

    [Fact]
    public async Task List_filters_by_status_name_and_start_time_and_refuses_what_it_cannot_read()
    {
        var runId = await RunUntilPausedAsync();

        (await Offline.RunAsync("workflow", "list", "--name", "APPROVAL", "--status", "interrupted", "--output", "json")).Json.AsArray()
            .Should().BeEmpty("a paused run is listed as paused, not as interrupted");
        (await Offline.RunAsync("workflow", "list", "--name", "APPROVAL", "--status", "unfinished", "--output", "json")).Json.AsArray()
            .Should().ContainSingle("unfinished is every run that has not ended: running, paused or interrupted");
        (await Offline.RunAsync("workflow", "list", "--name", "approval", "--status", "paused", "--output", "json")).Json.AsArray()
            .Select(r => r!["run_id"]!.GetValue<string>()).Should().Equal(runId);
        (await Offline.RunAsync("workflow", "list", "--name", "other", "--output", "json")).Json.AsArray().Should().BeEmpty();
        (await Offline.RunAsync("workflow", "list", "--since", "2000-01-01", "--output", "json")).Json.AsArray().Should().HaveCount(1);
        (await Offline.RunAsync("workflow", "list", "--since", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd"), "--output", "json")).Json.AsArray().Should().BeEmpty();

        var badStatus = await Offline.RunAsync("workflow", "list", "--status", "sleeping");
        badStatus.ExitCode.Should().Be(2, badStatus.ToString());
        badStatus.Stderr.Should().Be("error: unknown status 'sleeping'; use one of: unfinished, running, paused, interrupted, completed, partially_completed, failed, cancelled, timed_out\n");
        var badDate = await Offline.RunAsync("workflow", "list", "--since", "yesterday-ish");
        badDate.ExitCode.Should().Be(2, badDate.ToString());
        badDate.Stderr.Should().StartWith("error: --since: 'yesterday-ish' is not a date or time");
    }

    [Fact]
    public async Task Run_prints_its_run_id_and_purge_keeps_recent_runs()
    {
        var run = await Offline.RunAsync("run", Path.Combine("config", "examples", "file-checks.json"));

        run.ExitCode.Should().Be(0, run.ToString());
        var runId = System.Text.RegularExpressions.Regex.Match(run.Stdout, "  Run:           ([0-9a-f]{32})\n").Groups[1].Value;
        runId.Should().NotBeEmpty(run.Stdout);
        run.Stdout.Should().Contain($"(run {runId})");
        (await ListedAsync(runId))["status"]!.GetValue<string>().Should().Be("completed");

        var keep = await Offline.RunAsync("workflow", "purge", "--older-than", "1");
        keep.Stdout.Should().Be("Purged 0 finished runs that ended more than 1 day ago.\n");
        var purge = await Offline.RunAsync("workflow", "purge", "--older-than", "0");
        purge.ExitCode.Should().Be(0, purge.ToString());
        purge.Stdout.Should().Contain(runId);
        (await Offline.RunAsync("workflow", "show", runId)).ExitCode.Should().Be(2);
    }
}
