using System.Diagnostics;
using LlmSpell.Templates.Reporting;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Cli.Progress;

/// <summary>
/// The state of every step seen so far, folded from a run's events: what the live view draws. Rows stay in the order
/// the workflow declares its steps (branches and iterations in theirs), whatever order they start in.
/// </summary>
internal sealed class StepBoard(IReadOnlyList<string>? declared = null)
{
    public enum State
    {
        Running,
        Retrying,
        Waiting,
        Completed,
        Failed,
        Skipped,

        /// <summary>Still unfinished when the run ended (cancelled, failed elsewhere, timed out): it will not finish.</summary>
        Stopped,
    }

    public sealed class Row(string key, long started, long seen, long[] order)
    {
        public string Key { get; } = key;

        /// <summary>When the row first appeared among the others: the order of steps the definition does not name.</summary>
        public long Seen { get; } = seen;

        /// <summary>Where each segment of the key stands in the definition (its rank, or an iteration's index).</summary>
        public long[] Order { get; } = order;
        public State State { get; set; } = State.Running;
        public int Attempt { get; set; } = 1;
        public long Started { get; set; } = started;
        public TimeSpan? Duration { get; set; }

        /// <summary>Streamed chunks so far (about one per token) until the step reports its real usage.</summary>
        public long Chunks { get; set; }

        public long? Tokens { get; set; }
        public string Detail { get; set; } = "";

        /// <summary>The detail is a waiting notice (the model server has been silent), not streamed text.</summary>
        public bool Stalled { get; set; }
    }

    private readonly List<Row> _rows = [];
    private readonly Dictionary<string, Row> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rank = Ranks(declared);

    public IReadOnlyList<Row> Rows => _rows;
    public string Workflow { get; private set; } = "";
    public string RunId { get; private set; } = "";
    public string? Outcome { get; private set; }
    public string? Branches { get; private set; }
    public long? Iteration { get; private set; }

    public void Apply(WorkflowEvent e)
    {
        var now = Stopwatch.GetTimestamp();
        switch (e)
        {
            case RunStarted s when s.Path.Length == 0:
                Workflow = s.WorkflowName;
                RunId = s.RunId;
                break;
            case StepStarted s:
                var row = Get(s.Key, now);
                row.State = State.Running;
                row.Attempt = s.Attempt;
                if (s.Attempt == 1) row.Started = now;
                row.Detail = "";
                row.Stalled = false;
                break;
            case StepProgress p:
                var streaming = Get(p.Key, now);
                // Tokens again: the waiting notice gives way to the answer.
                if (streaming.Stalled) streaming.Detail = "";
                streaming.Stalled = false;
                streaming.Chunks++;
                streaming.Detail = Tail(streaming.Detail + p.Text, 60);
                break;
            case StepStalled stalled:
                var silent = Get(stalled.Key, now);
                silent.Detail = stalled.Message;
                silent.Stalled = true;
                break;
            case StepRetrying r:
                var retrying = Get(r.Key, now);
                retrying.State = State.Retrying;
                retrying.Detail = $"attempt {r.NextAttempt} in {WorkflowReport.Milliseconds(r.Delay)}: {r.Error}";
                break;
            case StepCompleted c:
                var done = Get(c.Key, now);
                done.State = State.Completed;
                done.Duration = c.Result.Duration;
                done.Tokens = c.Result.Usage?.TotalTokens;
                done.Detail = Head(c.Result.Model ?? (c.Result.Tool is { } tool ? "tool " + tool : ""), WorkflowReport.Compact(c.Result.Output));
                break;
            case StepFailed f:
                var failed = Get(f.Key, now);
                failed.State = State.Failed;
                failed.Duration = Stopwatch.GetElapsedTime(failed.Started, now);
                failed.Detail = f.Error;
                break;
            case StepSkipped k:
                var skipped = Get(k.Key, now);
                skipped.State = State.Skipped;
                skipped.Detail = k.Reason;
                break;
            case SignalAwaited w:
                var waiting = Get(w.Key, now);
                waiting.State = State.Waiting;
                waiting.Detail = $"waiting for signal '{w.Signal}'";
                break;
            case BranchSelected b when b.Path.Length == 0:
                Branches = b.Branches.Count == 0 ? "none" : string.Join(", ", b.Branches);
                break;
            case IterationStarted i when i.Path.Length == 0:
                Iteration = i.Index + 1;
                break;
            case RunCompleted r when r.Path.Length == 0:
                Outcome = StatusNames.Of(r.Status);
                break;
            case RunFailed f when f.Path.Length == 0:
                // The error itself is the command's error line; the header only says how the run ended.
                Outcome = "failed";
                StopUnfinished("stopped: the run failed", now);
                break;
            case RunCancelled c when c.Path.Length == 0:
                Outcome = "cancelled: " + c.Reason;
                StopUnfinished("cancelled", now);
                break;
            case RunTimedOut t when t.Path.Length == 0:
                Outcome = "timed out";
                StopUnfinished("stopped: the run timed out", now);
                break;
        }
    }

    // The run is over: a step still shown running would be a lie in the last frame.
    private void StopUnfinished(string why, long now)
    {
        foreach (var row in _rows)
        {
            if (row.State is not (State.Running or State.Retrying or State.Waiting)) continue;
            row.State = State.Stopped;
            row.Duration ??= Stopwatch.GetElapsedTime(row.Started, now);
            row.Detail = why;
            row.Stalled = false;
        }
    }

    private Row Get(string key, long now)
    {
        if (_byKey.TryGetValue(key, out var row)) return row;
        row = new Row(key, now, _byKey.Count, key.Split('/').Select(Rank).ToArray());
        // Rows are kept sorted: a binary search finds the place (a fan-out of thousands adds as many rows).
        var at = _rows.BinarySearch(row, Comparer<Row>.Create(Compare));
        _rows.Insert(at < 0 ? ~at : at, row);
        _byKey[key] = row;
        return row;
    }

    private static Dictionary<string, int> Ranks(IReadOnlyList<string>? declared)
    {
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in declared ?? []) ranks.TryAdd(name, ranks.Count);
        return ranks;
    }

    // Keys are paths (branch/step, loop/[3]/step): compared segment by segment, by declaration or iteration index, then
    // by the order first seen.
    private static int Compare(Row a, Row b)
    {
        for (var i = 0; i < Math.Min(a.Order.Length, b.Order.Length); i++)
        {
            var byRank = a.Order[i].CompareTo(b.Order[i]);
            if (byRank != 0) return byRank;
        }
        return a.Seen.CompareTo(b.Seen);
    }

    private long Rank(string segment)
    {
        if (segment is ['[', .., ']'] && long.TryParse(segment.AsSpan(1, segment.Length - 2), out var index)) return index;
        return _rank.TryGetValue(segment, out var rank) ? rank : long.MaxValue;
    }

    private static string Head(string label, string output)
    {
        var text = output.ReplaceLineEndings(" ");
        if (text.Length > 60) text = text[..57] + "...";
        return label.Length == 0 ? text : text.Length == 0 ? label : $"{label}: {text}";
    }

    private static string Tail(string text, int max)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= max ? text : "..." + text[^(max - 3)..];
    }
}
