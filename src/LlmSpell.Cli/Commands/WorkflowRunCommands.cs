using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Input;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Progress;
using LlmSpell.Cli.Runtime;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>llmspell workflow list | show | history | resume | cancel | signal | purge | export</c>: the durable runs journaled in
/// <c>&lt;data-dir&gt;/llmspell.db</c>, or with <c>--postgres</c> in PostgreSQL. A run live in another process is shown as
/// running there; only that process writes it (cancel asks it to).
/// </summary>
internal static partial class WorkflowRunCommands
{
    public static void AddTo(Command workflow, CommandRunner runner)
    {
        workflow.Add(List(runner));
        workflow.Add(Show(runner));
        workflow.Add(History(runner));
        workflow.Add(Resume(runner));
        workflow.Add(Signal(runner));
        workflow.Add(Cancel(runner));
        workflow.Add(Purge(runner));
        workflow.Add(Export(runner));
    }

    private static Argument<string> RunIdArgument() => new("RUN_ID") { Description = "A run id, as 'llmspell run' and 'llmspell workflow list' print it" };

    // ---- list ----------------------------------------------------------------------------------

    private static readonly string[] StatusNamesAccepted = ["unfinished", "running", "paused", "interrupted", "completed", "partially_completed", "failed", "cancelled", "timed_out"];

    private static Command List(CommandRunner runner)
    {
        var status = new Option<string?>("--status", "-s") { Description = "Only runs in this state: " + string.Join(", ", StatusNamesAccepted), HelpName = "STATUS" };
        var name = new Option<string?>("--name", "-n") { Description = "Only runs of this workflow (its name, case-insensitive)", HelpName = "NAME" };
        var since = new Option<string?>("--since") { Description = "Only runs started at or after this date or time (ISO 8601; UTC unless it says otherwise)", HelpName = "DATE" };
        var output = OutputFormatOption.Create();
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("list", "List the journaled runs, newest first: id, workflow, status, start time, steps done")
        {
            status, name, since, output, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var wanted = parse.GetValue(status)?.Trim().ToLowerInvariant().Replace('-', '_');
            if (wanted is not null && !StatusNamesAccepted.Contains(wanted))
                throw new CliException($"unknown status '{parse.GetValue(status)}'; use one of: {string.Join(", ", StatusNamesAccepted)}");
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } raw)
            {
                if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    throw new CliException($"--since: '{raw}' is not a date or time; use ISO 8601, e.g. 2026-11-21 or 2026-11-21T18:30:00Z");
                from = parsed;
            }
            var engine = await ReadingEngineAsync(parse, session, journal, cluster, ct).ConfigureAwait(false);
            var unfinishedOnly = wanted is "unfinished" or "running" or "paused" or "interrupted";
            var query = new RunQuery
            {
                State = wanted is null ? null : unfinishedOnly ? RunState.Unfinished : StateOf(wanted),
                WorkflowName = parse.GetValue(name),
                Since = from,
            };
            // Listing reads each run's lifecycle events only (start, steps done, waits, end), never every event.
            var rows = (await engine.ListRunsAsync(query, ct).ConfigureAwait(false))
                .Where(r => wanted is null or "unfinished" || !unfinishedOnly || StatusOf(r) == wanted)
                .ToArray();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(new JsonArray(rows.Select(r => (JsonNode)SummaryJson(r)).ToArray()));
                return ExitCodes.Ok;
            }
            if (rows.Length == 0)
            {
                Console.Out.WriteLine($"No runs{(query == new RunQuery() ? "" : " match")} in {session.JournalDescription}.");
                return ExitCodes.Ok;
            }
            var table = new TextTable("ID", "WORKFLOW", "STATUS", "STARTED", "STEPS DONE");
            foreach (var run in rows)
                table.Add(run.RunId, run.WorkflowName, StatusText(run), Time(run.StartedAt), run.StepsCompleted.ToString(CultureInfo.InvariantCulture));
            Console.Out.Write(table.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static RunState StateOf(string name) => name switch
    {
        "unfinished" => RunState.Unfinished,
        "completed" => RunState.Completed,
        "partially_completed" => RunState.PartiallyCompleted,
        "failed" => RunState.Failed,
        "cancelled" => RunState.Cancelled,
        _ => RunState.TimedOut,
    };

    /// <summary>
    /// A run's status as the commands name it: an unfinished run is running (live in a process), paused (waiting for a
    /// signal) or interrupted (no process runs it: resume continues it).
    /// </summary>
    private static string StatusOf(RunSummary run) => run.State != RunState.Unfinished ? NameOf(run.State)
        : run.WaitingFor.Count > 0 ? "paused"
        : run.IsLive ? "running"
        : "interrupted";

    /// <summary>The status with the process or cluster node that runs it, e.g. <c>running (pid 4242)</c>.</summary>
    private static string StatusText(RunSummary run) =>
        run.OwnerPid is { } pid ? $"{StatusOf(run)} (pid {pid})" : run.Node is { } node ? $"{StatusOf(run)} (on {node})" : StatusOf(run);

    private static JsonObject SummaryJson(RunSummary run) => new()
    {
        ["run_id"] = run.RunId,
        ["workflow"] = run.WorkflowName,
        ["status"] = StatusOf(run),
        ["pid"] = run.OwnerPid,
        ["node"] = run.Node,
        ["started_at"] = run.StartedAt,
        ["ended_at"] = run.EndedAt,
        ["steps_done"] = run.StepsCompleted,
        ["waiting_for"] = new JsonArray(run.WaitingFor.Select(w => (JsonNode)w).ToArray()),
        ["error"] = run.Error,
    };

    internal static string NameOf(RunState state) => state switch
    {
        RunState.Unfinished => "unfinished",
        RunState.Completed => "completed",
        RunState.PartiallyCompleted => "partially_completed",
        RunState.Failed => "failed",
        RunState.Cancelled => "cancelled",
        _ => "timed_out",
    };

    private static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    // ---- show ----------------------------------------------------------------------------------

    private static Command Show(CommandRunner runner)
    {
        var id = RunIdArgument();
        var output = OutputFormatOption.Create();
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("show", "Show a run: status, workflow, each step's status, attempts, duration and output, the signal it waits for, and the node that runs it")
        {
            id, output, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var engine = await ReadingEngineAsync(parse, session, journal, cluster, ct).ConfigureAwait(false);
            var view = await LoadAsync(engine, parse.GetValue(id)!, ct).ConfigureAwait(false);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(view.DetailJson());
                return ExitCodes.Ok;
            }
            var sb = new StringBuilder();
            sb.Append("Run:       ").Append(view.RunId).Append('\n');
            sb.Append("Workflow:  ").Append(view.Workflow).Append('\n');
            sb.Append("Status:    ").Append(StatusText(view.Summary)).Append('\n');
            sb.Append("Started:   ").Append(Time(view.StartedAt)).Append('\n');
            if (view.EndedAt is not null) sb.Append("Ended:     ").Append(Time(view.EndedAt)).Append('\n');
            if (view.Error is not null) sb.Append("Error:     ").Append(view.Error).Append('\n');
            foreach (var w in view.Waiting)
                sb.Append("Waiting:   signal '").Append(w.Signal).Append("' at step ").Append(w.Key).Append(" (").Append(RunReporter.SignalCommand(view.RunId, w.Signal)).Append(")\n");
            if (view.Summary.OwnerPid is { } owner)
                sb.Append("Process:   ").Append(owner.ToString(CultureInfo.InvariantCulture)).Append(" runs it now (llmspell workflow cancel ").Append(view.RunId).Append(" stops it)\n");
            else if (view.Summary.Node is { } node)
                sb.Append("Node:      ").Append(node).Append(" runs it now (llmspell workflow cancel ").Append(view.RunId).Append(" --cluster ").Append(node).Append(" stops it)\n");
            else if (view.Status == "interrupted")
                sb.Append("Resume:    llmspell workflow resume ").Append(view.RunId).Append('\n');
            sb.Append("\nSteps:\n");
            if (view.Steps.Count == 0) sb.Append("  (none yet)\n");
            else
            {
                var table = new TextTable("  STEP", "STATUS", "ATTEMPTS", "DURATION", "OUTPUT");
                foreach (var s in view.Steps)
                    table.Add("  " + s.Key, s.Status, s.Attempts.ToString(CultureInfo.InvariantCulture), s.Duration is { } d ? Ms(d) : "-", s.Summary);
                sb.Append(table);
            }
            Console.Out.Write(sb.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Ms(TimeSpan d) => ((long)d.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    // ---- history -------------------------------------------------------------------------------

    private static Command History(CommandRunner runner)
    {
        var id = RunIdArgument();
        var output = OutputFormatOption.Create();
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("history", "List a run's journaled events in order, with sequence numbers and times")
        {
            id, output, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var engine = await ReadingEngineAsync(parse, session, journal, cluster, ct).ConfigureAwait(false);
            var runId = parse.GetValue(id)!;
            await LoadAsync(engine, runId, ct).ConfigureAwait(false);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                var export = await engine.ExportAsync(runId, ct).ConfigureAwait(false);
                Json.Print(export["events"]);
                return ExitCodes.Ok;
            }
            var table = new TextTable("SEQ", "TIME", "EVENT", "DETAIL");
            foreach (var entry in await engine.GetHistoryAsync(runId, ct).ConfigureAwait(false))
            {
                table.Add(entry.SequenceNr.ToString(CultureInfo.InvariantCulture),
                    entry.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    entry.Event.Kind, Detail(entry.Event));
            }
            Console.Out.Write(table.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Detail(WorkflowEvent e) => e switch
    {
        WorkflowStarted s => $"workflow '{s.WorkflowName}'",
        RunResumed r => $"after #{r.AfterSequenceNr}, {r.CompletedSteps} step{(r.CompletedSteps == 1 ? "" : "s")} already completed",
        _ => PlainProgress.Describe(e) ?? "",
    };

    // ---- resume, signal ------------------------------------------------------------------------

    private static Command Resume(CommandRunner runner)
    {
        var id = RunIdArgument();
        var output = OutputFormatOption.Create();
        var workspace = SharedOptions.Workspace();
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("resume",
            "Continue an unfinished run in this process (steps that completed are not run again); reports like 'run'. With --cluster, follow it on the node that runs it")
        {
            id, output, workspace, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var (engine, roots) = await ContinuingEngineAsync(parse, session, journal, cluster, workspace, ct).ConfigureAwait(false);
            var view = await LoadAsync(engine, parse.GetValue(id)!, ct).ConfigureAwait(false);
            RequireUnfinished(view, "resumed");
            return await ContinueAsync(engine, view, new RunReportOptions
            {
                Format = parse.GetValue(output),
                Roots = roots,
                ProgressTitle = "resume",
                Footer = $"llmspell workflow resume {view.RunId}",
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Signal(CommandRunner runner)
    {
        var id = RunIdArgument();
        var name = new Argument<string>("SIGNAL") { Description = "The signal the run's wait step waits for" };
        var data = new Option<string?>("--data", "-d")
        {
            Description = "The signal's payload, the wait step's output: JSON (else taken as text), or @path to read it from a file",
            HelpName = "JSON|@file",
        };
        var output = OutputFormatOption.Create();
        var workspace = SharedOptions.Workspace();
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("signal",
            "Deliver a signal to a run paused on a wait step, and continue the run in this process; reports like 'run'. With --cluster, the signal goes to the node that runs it")
        {
            id, name, data, output, workspace, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var signal = parse.GetValue(name)!;
            var payload = parse.GetValue(data) is { } raw ? ParamValues.Parse(raw, "--data") : null;
            var (engine, roots) = await ContinuingEngineAsync(parse, session, journal, cluster, workspace, ct).ConfigureAwait(false);
            var view = await LoadAsync(engine, parse.GetValue(id)!, ct).ConfigureAwait(false);
            RequireWaitingFor(view, signal);
            return await ContinueAsync(engine, view, new RunReportOptions
            {
                Format = parse.GetValue(output),
                Roots = roots,
                ProgressTitle = "signal",
                Footer = $"llmspell workflow signal {view.RunId} {signal}",
                Deliver = (signal, payload),
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static void RequireWaitingFor(RunView view, string signal)
    {
        RequireUnfinished(view, "signalled");
        if (view.Waiting.Count == 0)
            throw new CliException($"run {view.RunId} is not waiting for a signal (it is {view.Status}); 'llmspell workflow resume {view.RunId}' continues it");
        if (!view.Waiting.Any(w => w.Signal == signal))
            throw new CliException($"run {view.RunId} is not waiting for signal '{signal}'; it waits for: {string.Join(", ", view.Waiting.Select(w => $"'{w.Signal}'"))}");
    }

    /// <summary>Resuming or signalling continues a run in this process: it must be unfinished and run by no other process.</summary>
    private static void RequireUnfinished(RunView view, string verb)
    {
        if (view.Summary.State != RunState.Unfinished)
            throw new CliException($"run {view.RunId} has already finished ({view.Status}); only unfinished runs can be {verb}");
        if (view.Summary.OwnerPid is { } pid)
            throw new CliException($"run {view.RunId} is {view.Status} in process {pid}, which alone writes it; wait for it to end, or stop it with 'llmspell workflow cancel {view.RunId}'");
    }

    /// <summary>
    /// The engine that continues a run: one on this machine's journal that runs it here, or with --cluster a client that follows it on
    /// the node that runs it (asking for an unfinished run there continues it).
    /// </summary>
    private static async Task<(WorkflowEngine Engine, ToolRoots Roots)> ContinuingEngineAsync(ParseResult parse, CliSession session, JournalCliOptions journal,
        ClusterCliOption cluster, Option<string?> workspace, CancellationToken ct)
    {
        var target = cluster.Read(parse, journal, session.Config);
        if (target is null) session.UsePostgres(journal.Read(parse, session.Config));
        var roots = session.ResolveToolRoots(parse.GetValue(workspace), Directory.GetCurrentDirectory());
        var engine = target is null
            ? await session.CreateEngineAsync(session.CreateTools(roots), roots, ct).ConfigureAwait(false)
            : session.CreateClientEngine(target, session.CreateTools(roots), roots);
        return (engine, roots);
    }

    private static async Task<int> ContinueAsync(WorkflowEngine engine, RunView view, RunReportOptions options, CancellationToken ct)
    {
        IWorkflowRun run;
        try
        {
            run = view.Summary.Node is not null
                ? await engine.AttachAsync(view.RunId, ct).ConfigureAwait(false)
                : await engine.ResumeAsync(view.RunId, ct).ConfigureAwait(false);
        }
        catch (RunJournalException ex)
        {
            throw new CliException($"run {view.RunId} cannot be resumed: {ex.Message}", ExitCodes.Failed, ex);
        }
        return await RunReporter.FollowAsync(engine, run, view.Definition, options, ct).ConfigureAwait(false);
    }

    // ---- cancel, purge, export -----------------------------------------------------------------

    private static Command Cancel(CommandRunner runner)
    {
        var id = RunIdArgument();
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the journal)", HelpName = "TEXT" };
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("cancel",
            "Cancel an unfinished run: one running in another process (or on a cluster node, --cluster) is stopped there; the cancel is recorded in its journal, so it is never resumed")
        {
            id, reason, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var engine = await ReadingEngineAsync(parse, session, journal, cluster, ct).ConfigureAwait(false);
            var view = await LoadAsync(engine, parse.GetValue(id)!, ct).ConfigureAwait(false);
            if (view.Summary.State != RunState.Unfinished)
                throw new CliException($"run {view.RunId} has already finished ({view.Status}); only unfinished runs can be cancelled");
            var why = parse.GetValue(reason) ?? "cancelled with 'llmspell workflow cancel'";
            try
            {
                // A run live in another process is cancelled by that process (asked through the data directory); an
                // interrupted one gets its cancel recorded in its journal; a cluster's run is cancelled on its node.
                if (view.Summary.Node is not null) await CancelOnItsNodeAsync(engine, view.RunId, why, ct).ConfigureAwait(false);
                else await engine.CancelAsync(view.RunId, why, ct).ConfigureAwait(false);
            }
            catch (KeyNotFoundException ex)
            {
                throw new CliException($"run {view.RunId} cannot be cancelled: {ex.Message}", ExitCodes.Usage, ex);
            }
            catch (RunStillLiveException ex)
            {
                throw new CliException(ex.Message, ExitCodes.Failed, ex);
            }
            catch (Exception ex) when (ex is RunJournalException or InvalidOperationException)
            {
                throw new CliException($"run {view.RunId} cannot be cancelled: {ex.Message}", ExitCodes.Failed, ex);
            }
            // Told only what the journal now says: the run may have ended otherwise just before the cancel reached it.
            var after = (await engine.GetRunAsync(view.RunId, ct).ConfigureAwait(false)).Summary;
            var was = view.Summary.OwnerPid is { } pid ? $"{view.Status} in process {pid}"
                : view.Summary.Node is { } node ? $"{view.Status} on {node}"
                : view.Status;
            if (after.State != RunState.Cancelled)
            {
                Console.Out.WriteLine($"Run {view.RunId} was not cancelled: it ended {NameOf(after.State)} before the cancel reached it.");
                return ExitCodes.Failed;
            }
            Console.Out.WriteLine($"Cancelled run {view.RunId} (workflow '{view.Workflow}', was {was}, {after.StepsCompleted} step{(after.StepsCompleted == 1 ? "" : "s")} done): the cancel is recorded in its journal and it will not be resumed.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Cancels a cluster's run on the node that runs it, and waits until its end is journaled.</summary>
    private static async Task CancelOnItsNodeAsync(WorkflowEngine engine, string runId, string reason, CancellationToken ct)
    {
        IWorkflowRun run;
        try
        {
            run = await engine.AttachAsync(runId, ct).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            // It ended meanwhile: the journal says how.
            return;
        }
        await run.CancelAsync(reason).ConfigureAwait(false);
        await run.Completion.WaitAsync(ct).ConfigureAwait(false);
    }

    private static Command Purge(CommandRunner runner)
    {
        var days = new Option<double>("--older-than")
        {
            Description = "Delete the journals of finished runs that ended more than this many days ago (unfinished runs are kept)",
            HelpName = "DAYS",
            Required = true,
        };
        var journal = new JournalCliOptions();
        var command = new Command("purge", "Delete the journals of old finished runs (unfinished and live runs are kept)") { days, journal.Postgres, journal.Schema };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            session.UsePostgres(journal.Read(parse, session.Config));
            var olderThan = parse.GetValue(days);
            if (olderThan < 0 || double.IsNaN(olderThan)) throw new CliException("--older-than: the number of days cannot be negative");
            var engine = await session.CreateOperationsEngineAsync(ct).ConfigureAwait(false);
            var report = await engine.PurgeAsync(TimeSpan.FromDays(olderThan), ct).ConfigureAwait(false);
            var purged = report.Purged;
            Console.Out.WriteLine($"Purged {purged.Count} finished run{(purged.Count == 1 ? "" : "s")} that ended more than {olderThan.ToString(CultureInfo.InvariantCulture)} day{(olderThan == 1 ? "" : "s")} ago.");
            foreach (var runId in purged) Console.Out.WriteLine("  " + runId);
            foreach (var live in report.SkippedLive)
                Console.Out.WriteLine($"Kept run {live.RunId}: it is {StatusOf(live)} in process {live.OwnerPid} (live runs are never purged).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Export(CommandRunner runner)
    {
        var id = RunIdArgument();
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("export", "Print a run as one JSON document: summary, definition, input and every event")
        {
            id, journal.Postgres, journal.Schema, cluster.Cluster,
        };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var engine = await ReadingEngineAsync(parse, session, journal, cluster, ct).ConfigureAwait(false);
            var runId = parse.GetValue(id)!;
            await LoadAsync(engine, runId, ct).ConfigureAwait(false);
            Json.Print(await engine.ExportAsync(runId, ct).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    // ---- reading runs --------------------------------------------------------------------------

    /// <summary>The engine the run commands work through: this machine's journal (the data directory's, or --postgres), or with --cluster the cluster's runs and journal, through a node.</summary>
    private static async Task<WorkflowEngine> ReadingEngineAsync(ParseResult parse, CliSession session, JournalCliOptions journal, ClusterCliOption cluster, CancellationToken ct)
    {
        if (cluster.Read(parse, journal, session.Config) is { } target) return session.CreateClientOperationsEngine(target);
        session.UsePostgres(journal.Read(parse, session.Config));
        return await session.CreateOperationsEngineAsync(ct).ConfigureAwait(false);
    }

    private static async Task<RunView> LoadAsync(WorkflowEngine engine, string runId, CancellationToken ct)
    {
        try
        {
            var run = await engine.GetRunAsync(runId, ct).ConfigureAwait(false);
            return RunView.Of(run.Summary, run.History);
        }
        catch (KeyNotFoundException)
        {
            throw new CliException($"no run with id '{runId}' in the journal (it never started, or it was purged); 'llmspell workflow list' shows the runs");
        }
        catch (RunJournalException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Failed, ex);
        }
    }

    /// <summary>A run as the commands show it, from its summary and its journaled events.</summary>
    private sealed record RunView(RunSummary Summary, IReadOnlyList<RunHistoryEntry> History)
    {
        public string RunId => Summary.RunId;
        public string Workflow => Summary.WorkflowName;
        public DateTimeOffset StartedAt => Summary.StartedAt;
        public DateTimeOffset? EndedAt => Summary.EndedAt;
        public string? Error => Summary.Error;
        public required string Status { get; init; }
        public required IReadOnlyList<SignalAwaited> Waiting { get; init; }
        public required IReadOnlyList<StepView> Steps { get; init; }
        public int StepsDone => Steps.Count(s => s.Status is "completed");

        public WorkflowDefinition Definition =>
            WorkflowJson.DeserializeDefinition(((WorkflowStarted)History[0].Event).Definition);

        public static RunView Of(RunSummary summary, IReadOnlyList<RunHistoryEntry> history)
        {
            var steps = new Dictionary<string, StepView>(StringComparer.Ordinal);
            var waiting = new Dictionary<string, SignalAwaited>(StringComparer.Ordinal);
            StepView Step(string key, string name) => steps.TryGetValue(key, out var s) ? s : steps[key] = new StepView(key, name);
            foreach (var entry in history)
            {
                switch (entry.Event)
                {
                    case StepStarted e:
                        var started = Step(e.Key, e.Step);
                        started.Status = "running";
                        started.Attempts = Math.Max(started.Attempts, e.Attempt);
                        started.StartedAt ??= e.Timestamp;
                        break;
                    case StepRetrying e:
                        Step(e.Key, e.Step).Status = "retrying";
                        break;
                    case StepCompleted e:
                        var done = Step(e.Key, e.Step);
                        done.Status = StatusNames.Of(e.Result.Status);
                        done.Attempts = Math.Max(done.Attempts, e.Result.Attempts);
                        done.Duration = e.Result.Duration;
                        done.Summary = Summarize(e.Result.Error is { } err && e.Result.Status != StepStatus.Completed ? err : e.Result.Output?.ToJsonString() ?? "");
                        done.Output = e.Result.Output?.DeepClone();
                        waiting.Remove(e.Key);
                        break;
                    case StepFailed e:
                        var failed = Step(e.Key, e.Step);
                        failed.Status = "failed";
                        failed.Attempts = Math.Max(failed.Attempts, e.Attempts);
                        failed.Summary = Summarize(e.Error);
                        if (failed.StartedAt is { } at) failed.Duration = e.Timestamp - at;
                        waiting.Remove(e.Key);
                        break;
                    case StepSkipped e:
                        var skipped = Step(e.Key, e.Step);
                        skipped.Status = "skipped";
                        skipped.Summary = Summarize(e.Reason);
                        break;
                    case SignalAwaited e:
                        Step(e.Key, e.Step).Status = "waiting";
                        waiting[e.Key] = e;
                        break;
                    case SignalReceived e:
                        waiting.Remove(e.Key);
                        break;
                }
            }
            var unfinished = summary.State == RunState.Unfinished;
            // An unfinished run's steps that were in flight when it stopped are 'interrupted' (resume runs them again).
            if (unfinished)
            {
                foreach (var s in steps.Values.Where(s => s.Status is "running" or "retrying")) s.Status = "interrupted";
            }
            else waiting.Clear();
            return new RunView(summary, history)
            {
                Status = StatusOf(summary),
                Waiting = waiting.Values.ToArray(),
                Steps = steps.Values.ToArray(),
            };
        }

        private static string Summarize(string text)
        {
            var flat = text.ReplaceLineEndings(" ");
            return flat.Length <= 60 ? flat : flat[..57] + "...";
        }

        public JsonObject SummaryJson() => new()
        {
            ["run_id"] = RunId,
            ["workflow"] = Workflow,
            ["status"] = Status,
            ["pid"] = Summary.OwnerPid,
            ["started_at"] = StartedAt,
            ["ended_at"] = EndedAt,
            ["steps_done"] = StepsDone,
            ["events"] = Summary.EventCount,
            ["waiting_for"] = new JsonArray(Waiting.Select(w => (JsonNode)w.Signal).ToArray()),
            ["error"] = Error,
        };

        public JsonObject DetailJson()
        {
            var json = SummaryJson();
            json["waiting_for"] = new JsonArray(Waiting.Select(w => (JsonNode)new JsonObject
            {
                ["step"] = w.Step,
                ["key"] = w.Key,
                ["signal"] = w.Signal,
                ["continue_with"] = RunReporter.SignalCommand(RunId, w.Signal),
            }).ToArray());
            json["steps"] = new JsonArray(Steps.Select(s => (JsonNode)new JsonObject
            {
                ["key"] = s.Key,
                ["name"] = s.Name,
                ["status"] = s.Status,
                ["attempts"] = s.Attempts,
                ["duration_ms"] = s.Duration is { } d ? (long)d.TotalMilliseconds : null,
                ["output"] = s.Output?.DeepClone(),
                ["summary"] = s.Summary,
            }).ToArray());
            return json;
        }
    }

    private sealed class StepView(string key, string name)
    {
        public string Key { get; } = key;
        public string Name { get; } = name;
        public string Status { get; set; } = "pending";
        public int Attempts { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public TimeSpan? Duration { get; set; }
        public string Summary { get; set; } = "";
        public JsonNode? Output { get; set; }
    }
}
