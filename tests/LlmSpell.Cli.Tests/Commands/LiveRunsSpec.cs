using System.Security.Cryptography;
using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>
/// Several llmspell processes on one data directory: a run live in one is shown as running there, only that process writes it
/// (a cancel from another terminal asks it, a resume is refused naming it, a purge skips it), and no command ever corrupts a run.
/// </summary>
public sealed class LiveRunsSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task Cancel_and_purge_from_a_second_terminal_while_a_run_is_live_tell_the_truth_and_break_nothing()
    {
        Ollama.OnPrompt("Outline the memo", ScriptedReply.Text("1. costs 2. plans"));
        // The second step's model call never answers: the run stays live until it is cancelled.
        Ollama.On(r => r.Path == "/api/chat" && r.Prompt?.Contains("Write the memo", StringComparison.Ordinal) == true,
            ScriptedReply.Text("never").WithGate(new TaskCompletionSource().Task));
        var definition = Definition("memo.json", """
            {"name": "memo", "type": "sequential", "steps": [
              {"name": "outline", "step_type": "agent", "input": "Outline the memo"},
              {"name": "write", "step_type": "agent", "input": "Write the memo from: {{steps.outline.output}}"}
            ]}
            """);
        await using var terminalA = Cli.With("LLMSPELL_PROGRESS", "plain").Start("run", definition);
        await terminalA.StderrLineAsync("step_started write (attempt 1)");

        var listed = (await Cli.RunAsync("workflow", "list", "--output", "json")).Json.AsArray().Single()!;
        listed["status"]!.GetValue<string>().Should().Be("running");
        listed["pid"]!.GetValue<int>().Should().Be(terminalA.Pid);
        var runId = listed["run_id"]!.GetValue<string>();
        (await Cli.RunAsync("workflow", "list")).Stdout.Should().Contain($"running (pid {terminalA.Pid})");

        var resume = await Cli.RunAsync("workflow", "resume", runId);
        resume.ExitCode.Should().Be(2, resume.ToString());
        resume.Stderr.Should().Be($"error: run {runId} is running in process {terminalA.Pid}, which alone writes it; wait for it to end, or stop it with 'llmspell workflow cancel {runId}'\n");

        var purgeWhileLive = await Cli.RunAsync("workflow", "purge", "--older-than", "0");
        purgeWhileLive.ExitCode.Should().Be(0, purgeWhileLive.ToString());
        purgeWhileLive.Stdout.Should().Contain($"Kept run {runId}: it is running in process {terminalA.Pid}");

        var cancel = await Cli.RunAsync("workflow", "cancel", runId);
        cancel.ExitCode.Should().Be(0, cancel.ToString());
        cancel.Stdout.Should().StartWith($"Cancelled run {runId} (workflow 'memo', was running in process {terminalA.Pid}, 1 step done)");
        var a = await terminalA.ExitAsync();
        a.Stderr.Should().Contain("cancelled with 'llmspell workflow cancel'", "the process that ran it stopped it");

        var after = (await Cli.RunAsync("workflow", "list", "--output", "json")).Json.AsArray().Single()!;
        after["status"]!.GetValue<string>().Should().Be("cancelled");
        after["pid"].Should().BeNull();
        var purge = await Cli.RunAsync("workflow", "purge", "--older-than", "0");
        purge.Stdout.Should().StartWith("Purged 1 finished run");
        foreach (var args in new[] { new[] { "workflow", "list" }, ["workflow", "purge", "--older-than", "0"], ["doctor"] })
        {
            var run = await Offline.RunAsync(args);
            run.ExitCode.Should().Be(0, $"every command keeps working: {run}");
        }
        (await Offline.RunAsync("workflow", "list")).Stdout.Should().StartWith("No runs in");
    }

    [Fact]
    public async Task Ten_runs_in_ten_processes_on_one_data_directory_all_complete_and_nothing_is_lost()
    {
        var definition = Definition("sum.json", """
            {"name": "sum", "type": "sequential", "steps": [
              {"name": "a", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1+2"}},
              {"name": "b", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "{{steps.a.output.result}}*10"}},
              {"name": "c", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "{{steps.b.output.result}}+4"}}
            ]}
            """);

        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Offline.RunAsync("run", definition, "--output", "json")));

        foreach (var run in runs)
        {
            run.ExitCode.Should().Be(0, run.ToString());
            run.Json["output"]!["result"]!.GetValue<double>().Should().Be(34);
        }
        var listed = (await Offline.RunAsync("workflow", "list", "--output", "json")).Json.AsArray();
        listed.Select(r => r!["run_id"]!.GetValue<string>()).Should().BeEquivalentTo(runs.Select(r => r.Json["run_id"]!.GetValue<string>()));
        listed.Should().OnlyContain(r => r!["status"]!.GetValue<string>() == "completed" && r["steps_done"]!.GetValue<int>() == 3);
    }

    [Fact]
    public async Task A_data_directory_with_a_journal_of_the_earlier_format_is_named_and_left_untouched()
    {
        var database = Path.Combine(DataDirectory, "llmspell.db");
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied INTEGER NOT NULL); INSERT INTO schema_version VALUES (3, 0);";
            await create.ExecuteNonQueryAsync();
        }
        var before = SHA256.HashData(File.ReadAllBytes(database));
        var definition = Definition("one.json", """{"name": "one", "steps": [{"name": "a", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1"}}]}""");

        foreach (var args in new[] { new[] { "workflow", "list" }, ["run", definition], ["workflow", "show", "x"] })
        {
            var run = await Offline.RunAsync(args);
            run.ExitCode.Should().Be(2, run.ToString());
            run.Stderr.Should().Be($"error: {database} holds a run journal of an earlier llmspell version, which this one does not read; move it aside (e.g. mv '{database}' '{database}.old') and this version starts a new journal there\n");
        }
        SHA256.HashData(File.ReadAllBytes(database)).Should().Equal(before, "nothing is overwritten");
    }
}
