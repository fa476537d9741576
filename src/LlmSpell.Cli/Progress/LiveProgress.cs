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
    private readonly StepBoard _board = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _title;
    private readonly long _started = Stopwatch.GetTimestamp();
    private Task? _display;

    private LiveProgress(string title) => _title = title;

    /// <summary>A view that draws from the run's first event on, so a command that fails before running draws nothing.</summary>
    public static LiveProgress Start(string title) => new(title);

    public void Report(WorkflowEvent value)
    {
        lock (_gate)
        {
            _board.Apply(value);
            if (_display is not null) return;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
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
            var table = new Table().Border(TableBorder.Rounded).Expand();
            table.AddColumn("Step");
            table.AddColumn("Status");
            table.AddColumn(new TableColumn("Time").RightAligned());
            table.AddColumn(new TableColumn("Tokens").RightAligned());
            table.AddColumn("Detail");
            foreach (var row in _board.Rows)
            {
                var elapsed = row.Duration ?? Stopwatch.GetElapsedTime(row.Started, now);
                var tokens = row.Tokens?.ToString(CultureInfo.InvariantCulture)
                             ?? (row.Chunks > 0 ? "~" + row.Chunks.ToString(CultureInfo.InvariantCulture) : "");
                table.AddRow(
                    new Text(row.Key),
                    new Markup(Status(row)),
                    new Text(row.State == StepBoard.State.Skipped ? "" : Seconds(elapsed)),
                    new Text(tokens),
                    new Text(row.Detail) { Overflow = Overflow.Ellipsis });
            }
            var heading = $"[bold]{Markup.Escape(_title)}[/] {Markup.Escape(_board.Workflow)}  {Seconds(Stopwatch.GetElapsedTime(_started, now))}";
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
        _ => "[grey]skipped[/]",
    };

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
