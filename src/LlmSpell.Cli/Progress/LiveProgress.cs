using System.Diagnostics;
using System.Globalization;
using LlmSpell.Workflows.Events;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LlmSpell.Cli.Progress;

/// <summary>
/// A live table of the run's steps on the terminal (stderr): status, elapsed time, tokens streaming in, retries and a
/// glimpse of each step's output. Redrawn on every event and ten times a second for the clocks.
/// </summary>
internal sealed class LiveProgress : IProgressView
{
    private readonly StepBoard _board;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _title;
    private readonly long _started = Stopwatch.GetTimestamp();
    private Task? _display;

    // Widths that never change between frames: the Step column is set once, room for a branch/step path of the
    // longest declared names; a longer key keeps its end (the step's own name).
    private const int StatusWidth = 20;
    private const int TimeWidth = 7;
    private const int TokensWidth = 7;
    private readonly int _stepWidth;
    private int _width = 78;

    private LiveProgress(string title, IReadOnlyList<string>? declared)
    {
        _title = title;
        _board = new StepBoard(declared);
        _stepWidth = Math.Clamp(2 * (declared ?? []).Select(n => n.Length).DefaultIfEmpty(6).Max() + 1, 12, 28);
    }

    /// <summary>
    /// A view that draws from the run's first event on, so a command that fails before running draws nothing; rows in
    /// the order of <paramref name="declared"/> (the definition's step and branch names) when given.
    /// </summary>
    public static LiveProgress Start(string title, IReadOnlyList<string>? declared = null) => new(title, declared);

    public void Report(WorkflowEvent value)
    {
        lock (_gate)
        {
            _board.Apply(value);
            if (_display is not null) return;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            _width = Math.Max(60, console.Profile.Width - 2);
            _display = console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(RunAsync);
        }
    }

    private async Task RunAsync(LiveDisplayContext context)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                context.UpdateTarget(Render());
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over: draw the final state once more below.
        }
        context.UpdateTarget(Render());
    }

    private IRenderable Render()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            // Not expanded to the terminal's full width: a line that fills it wraps when the shell echoes ^C, and the
            // redraw then leaves a stale copy of the header behind.
            var table = new Table().Border(TableBorder.Rounded).Width(_width);
            table.AddColumn(new TableColumn("Step").Width(_stepWidth).NoWrap());
            table.AddColumn(new TableColumn("Status").Width(StatusWidth).NoWrap());
            table.AddColumn(new TableColumn("Time").Width(TimeWidth).RightAligned().NoWrap());
            table.AddColumn(new TableColumn("Tokens").Width(TokensWidth).RightAligned().NoWrap());
            // Every column has its width, the detail what is left (5 columns: 2 of padding each, 6 borders).
            var detailWidth = Math.Max(10, _width - _stepWidth - StatusWidth - TimeWidth - TokensWidth - 5 * 2 - 6);
            table.AddColumn(new TableColumn("Detail").Width(detailWidth).NoWrap());
            foreach (var row in _board.Rows)
            {
                var elapsed = row.Duration ?? Stopwatch.GetElapsedTime(row.Started, now);
                var tokens = row.Tokens?.ToString(CultureInfo.InvariantCulture)
                             ?? (row.Chunks > 0 ? "~" + row.Chunks.ToString(CultureInfo.InvariantCulture) : "");
                table.AddRow(
                    new Text(row.Key.Length <= _stepWidth ? row.Key : "…" + row.Key[^(_stepWidth - 1)..]),
                    new Markup(Status(row)),
                    new Text(row.State == StepBoard.State.Skipped ? "" : Seconds(elapsed)),
                    new Text(tokens),
                    new Text(Fit(row.Detail, detailWidth)));
            }
            var heading = $"[bold]{Markup.Escape(_title)}[/] {Markup.Escape(_board.Workflow)}  run {Markup.Escape(_board.RunId)}  {Seconds(Stopwatch.GetElapsedTime(_started, now))}";
            if (_board.Branches is { } branches) heading += $"  branch: {Markup.Escape(branches)}";
            if (_board.Iteration is { } iteration) heading += $"  iteration {iteration}";
            if (_board.Outcome is { } outcome) heading += $"  [bold]{Markup.Escape(outcome)}[/]";
            table.Title = new TableTitle(heading);
            return table;
        }
    }

    private static string Status(StepBoard.Row row) => row.State switch
    {
        StepBoard.State.Running => row.Attempt > 1 ? $"[yellow]running (attempt {row.Attempt})[/]" : "[yellow]running[/]",
        StepBoard.State.Retrying => "[darkorange]retrying[/]",
        StepBoard.State.Waiting => "[blue]waiting[/]",
        StepBoard.State.Completed => row.Attempt > 1 ? $"[green]done[/] ({row.Attempt} attempts)" : "[green]done[/]",
        StepBoard.State.Failed => "[red]failed[/]",
        StepBoard.State.Stopped => "[grey]stopped[/]",
        _ => "[grey]skipped[/]",
    };

    // One line per row whatever the text: a cell that wrapped would make the table's height, and the frame, jump.
    private static string Fit(string text, int width)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= width ? text : text[..(width - 1)] + "…";
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task? display;
        lock (_gate) display = _display;
        if (display is not null) await display.ConfigureAwait(false);
        _stop.Dispose();
    }
}
