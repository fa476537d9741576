using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Progress;
using LlmSpell.Cli.Runtime;
using LlmSpell.Templates.Execution;
using LlmSpell.Templates.Reporting;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Cli.Commands;

/// <summary>How <see cref="RunReporter"/> shows a run.</summary>
internal sealed record RunReportOptions
{
    public required OutputFormat Format { get; init; }
    public required ToolRoots Roots { get; init; }
    public required string ProgressTitle { get; init; }

    /// <summary>The command that ran it, for the report's footer, e.g. <c>llmspell run x.yaml</c>.</summary>
    public required string Footer { get; init; }

    /// <summary>A signal to deliver when the run waits for it (once): <c>llmspell workflow signal</c>.</summary>
    public (string Name, JsonNode? Payload)? Deliver { get; init; }
}

/// <summary>
/// Follows a run with the progress view and prints its report (text or JSON), as <c>llmspell run</c> does; shared by
/// <c>run</c>, <c>workflow resume</c> and <c>workflow signal</c>. A run that waits for a signal with nothing else in
/// flight is left paused: the command reports how to continue it and ends (exit 0); the journal keeps it unfinished.
/// </summary>
internal static class RunReporter
{
    public static async Task<int> FollowAsync(IWorkflowEngine engine, IWorkflowRun run, WorkflowDefinition definition, RunReportOptions options, CancellationToken ct)
    {
        RunObserver observer;
        Followed followed;
        await using (var progress = ProgressViews.Create(options.ProgressTitle, DeclaredNames(definition)))
        {
            observer = new RunObserver(progress);
            followed = await FollowEventsAsync(engine, run, observer, options.Deliver, ct).ConfigureAwait(false);
        }
        if (ct.IsCancellationRequested)
        {
            // stdout keeps its promise of one JSON document: the run id and the steps done before the cancel.
            if (options.Format == OutputFormat.Json && followed.Result is { } cancelled) Write(cancelled, definition, observer, options);
            // The feed ended with the run, so the journal already holds it as cancelled: say where to find it.
            Console.Error.WriteLine($"cancelled: run {run.Id} (llmspell workflow show {run.Id})");
            return ExitCodes.Cancelled;
        }
        if (followed.Result is not { } result)
        {
            Paused(run.Id, definition.Name, followed.Waiting, options.Format);
            return ExitCodes.Ok;
        }
        return Report(result, definition, observer, options);
    }

    private sealed record Followed(WorkflowResult? Result, IReadOnlyList<SignalAwaited> Waiting);

    private static async Task<Followed> FollowEventsAsync(IWorkflowEngine engine, IWorkflowRun run, IProgress<WorkflowEvent> progress,
        (string Name, JsonNode? Payload)? deliver, CancellationToken ct)
    {
        var inFlight = new HashSet<string>(StringComparer.Ordinal);
        var waiting = new Dictionary<string, SignalAwaited>(StringComparer.Ordinal);
        var delivered = false;
        await using (ct.Register(() => _ = run.CancelAsync("cancelled by the user")).ConfigureAwait(false))
        {
            // The feed ends when the run does, whatever way it ends.
            await foreach (var e in run.Events.ConfigureAwait(false))
            {
                progress.Report(e);
                switch (e)
                {
                    case StepStarted s:
                        inFlight.Add(s.Key);
                        break;
                    case StepCompleted c:
                        inFlight.Remove(c.Key);
                        waiting.Remove(c.Key);
                        break;
                    case StepFailed f:
                        inFlight.Remove(f.Key);
                        waiting.Remove(f.Key);
                        break;
                    case SignalReceived r:
                        waiting.Remove(r.Key);
                        break;
                    case SignalAwaited a when deliver is { } d && !delivered && a.Signal == d.Name:
                        delivered = true;
                        try
                        {
                            await engine.SignalAsync(run.Id, d.Name, d.Payload, ct).ConfigureAwait(false);
                        }
                        catch (InvalidOperationException ex)
                        {
                            throw new CliException($"run {run.Id} did not take signal '{d.Name}': {ex.Message}", ExitCodes.Failed, ex);
                        }
                        break;
                    case SignalAwaited a:
                        waiting[a.Key] = a;
                        break;
                }
                // Paused: every step in flight waits for a signal (or is a nested workflow around one that does).
                if (waiting.Count > 0 && inFlight.All(k => waiting.ContainsKey(k) || waiting.Keys.Any(w => w.StartsWith(k + "/", StringComparison.Ordinal))))
                    return new Followed(null, waiting.Values.ToArray());
            }
            return new Followed(await run.Completion.ConfigureAwait(false), []);
        }
    }

    /// <summary>The command that continues a run waiting for <paramref name="signal"/>.</summary>
    public static string SignalCommand(string runId, string signal) => $"llmspell workflow signal {runId} {signal} --data JSON";

    private static void Paused(string runId, string workflow, IReadOnlyList<SignalAwaited> waiting, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            Json.Print(new JsonObject
            {
                ["status"] = "paused",
                ["run_id"] = runId,
                ["workflow"] = workflow,
                ["run_status"] = "paused",
                ["waiting_for"] = new JsonArray(waiting.Select(w => (JsonNode)new JsonObject
                {
                    ["step"] = w.Step,
                    ["key"] = w.Key,
                    ["signal"] = w.Signal,
                    ["continue_with"] = SignalCommand(runId, w.Signal),
                }).ToArray()),
            });
            return;
        }
        var sb = new StringBuilder();
        foreach (var w in waiting)
            sb.Append($"⏸ Workflow '{workflow}' paused: waiting for signal '{w.Signal}' ({SignalCommand(runId, w.Signal)})\n");
        sb.Append("Run: ").Append(runId).Append('\n');
        Console.Out.Write(sb.ToString());
    }

    private static int Report(WorkflowResult result, WorkflowDefinition definition, RunObserver observer, RunReportOptions options)
    {
        Write(result, definition, observer, options);
        if (result.Status is RunStatus.Completed or RunStatus.PartiallyCompleted) return ExitCodes.Ok;
        ErrorOutput.Write($"workflow '{result.WorkflowName}' {StatusNames.Of(result.Status)}: {result.Error}");
        return ExitCodes.Failed;
    }

    /// <summary>The run's report on stdout: the JSON document, or the text report.</summary>
    private static void Write(WorkflowResult result, WorkflowDefinition definition, RunObserver observer, RunReportOptions options)
    {
        var order = definition.Type is WorkflowType.Parallel or WorkflowType.Conditional ? StepOrder(definition) : null;
        var steps = StepRecord.From(result.Steps, order, Descriptions(definition), null);
        var tally = RunTally.Of(steps);
        var ok = result.Status is RunStatus.Completed or RunStatus.PartiallyCompleted;
        var wroteFiles = steps.Any(s => s.Result.Status == StepStatus.Completed && s.Result.Tool == "file-write");
        if (options.Format == OutputFormat.Json)
        {
            Json.Print(ToJson(result, steps, tally, ok, options.Roots, wroteFiles));
        }
        else
        {
            var report = new WorkflowReportInput
            {
                Result = result,
                Definition = definition,
                ModeName = definition.Type.ToString().ToLowerInvariant(),
                Steps = steps,
                Observer = observer,
                Footer = $"Generated by {options.Footer} (run {result.RunId})",
            };
            WriteText(result, report, tally, options.Roots, wroteFiles, Console.Out);
        }
    }

    // The report is written as it is made: tens of thousands of steps never become one string.
    private static void WriteText(WorkflowResult result, WorkflowReportInput report, RunTally tally, ToolRoots roots, bool wroteFiles, TextWriter output)
    {
        var seconds = result.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        var ok = result.Status is RunStatus.Completed or RunStatus.PartiallyCompleted;
        output.Write(ok ? $"✓ Workflow '{result.WorkflowName}' {StatusNames.Of(result.Status)} in {seconds}s\n" : $"✗ Workflow '{result.WorkflowName}' {StatusNames.Of(result.Status)} after {seconds}s\n");
        output.Write(new string('=', 80) + "\n\n");
        WorkflowReport.Write(report, output);
        var sb = new StringBuilder();
        sb.Append("\nMetrics:\n");
        sb.Append("  Duration:      ").Append(seconds).Append("s\n");
        sb.Append("  Steps:         ").Append(tally.StepsExecuted).Append('\n');
        sb.Append("  Agents:        ").Append(tally.AgentsInvoked).Append('\n');
        sb.Append("  Tools:         ").Append(tally.ToolsInvoked).Append('\n');
        sb.Append("  Tokens:        ").Append(tally.TokensUsed).Append('\n');
        sb.Append("  Cost:          $").Append(tally.CostUsd.ToString("0.000000", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("  Run:           ").Append(result.RunId).Append('\n');
        if (wroteFiles) sb.Append("\nFiles written under: ").Append(roots.Write).Append('\n');
        output.Write(sb.ToString());
        output.Flush();
    }

    private static JsonObject ToJson(WorkflowResult result, IReadOnlyList<StepRecord> steps, RunTally tally, bool ok, ToolRoots roots, bool wroteFiles)
    {
        var json = new JsonObject
        {
            ["status"] = ok ? "ok" : "error",
            ["run_id"] = result.RunId,
            ["workflow"] = result.WorkflowName,
            ["run_status"] = StatusNames.Of(result.Status),
            // The outputs are printed where they are, not copied: a run of 21,780 nested steps held 240 MB of copies.
            ["output"] = Json.Borrow(result.Output),
            ["steps"] = new JsonArray(steps.Select(s => (JsonNode)s.ToJson(Json.Borrow)).ToArray()),
            ["metrics"] = new JsonObject
            {
                ["duration_ms"] = (long)result.Duration.TotalMilliseconds,
                ["tokens_used"] = tally.TokensUsed,
                ["cost_usd"] = tally.CostUsd,
                ["steps_executed"] = tally.StepsExecuted,
                ["agents_invoked"] = tally.AgentsInvoked,
                ["tools_invoked"] = tally.ToolsInvoked,
            },
        };
        if (wroteFiles) json["files_written_under"] = roots.Write;
        if (!ok) json["error"] = result.Error;
        return json;
    }

    private static List<string> StepOrder(WorkflowDefinition definition)
    {
        var order = new List<string>();
        Walk(definition, s => order.Add(s.Name));
        return order;
    }

    /// <summary>Every step and branch name in the order the definition declares them (nested workflows in place).</summary>
    private static List<string> DeclaredNames(WorkflowDefinition definition)
    {
        var names = new List<string>();
        Walk(definition, s => names.Add(s.Name), b => names.Add(b.Name));
        return names;
    }

    private static Dictionary<string, string> Descriptions(WorkflowDefinition definition)
    {
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(definition, s => descriptions.TryAdd(s.Name, s.DisplayDescription));
        return descriptions;
    }

    private static void Walk(WorkflowDefinition workflow, Action<StepDefinition> visit, Action<BranchDefinition>? branch = null)
    {
        foreach (var step in workflow.Steps) Visit(step);
        foreach (var b in workflow.Branches)
        {
            branch?.Invoke(b);
            foreach (var step in b.Steps) Visit(step);
        }
        foreach (var named in workflow.Workflows.Values) Walk(named, visit, branch);

        void Visit(StepDefinition step)
        {
            visit(step);
            if (step.Workflow?.Inline is { } inline) Walk(inline, visit, branch);
        }
    }
}
