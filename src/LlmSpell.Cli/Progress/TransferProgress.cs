using System.Globalization;
using Spectre.Console;

namespace LlmSpell.Cli.Progress;

/// <summary>
/// Progress of byte transfers (model downloads) on stderr: Spectre progress bars on a terminal, otherwise a line when a
/// stage starts, at every tenth of it and when it ends; nothing when progress is off.
/// </summary>
internal static class TransferProgress
{
    /// <summary>Runs <paramref name="work"/>, showing what it reports as (stage, bytes done, bytes in all when known).</summary>
    public static async Task<T> RunAsync<T>(Func<Action<string, long, long?>, Task<T>> work)
    {
        switch (ProgressViews.Choose())
        {
            case ProgressMode.Off:
                return await work(static (_, _, _) => { }).ConfigureAwait(false);
            case ProgressMode.Plain:
                return await work(new PlainLines(Console.Error).Report).ConfigureAwait(false);
            default:
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                return await console.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                        var gate = new Lock();
                        return await work((stage, done, total) =>
                        {
                            lock (gate)
                            {
                                if (!tasks.TryGetValue(stage, out var task)) tasks[stage] = task = context.AddTask(Markup.Escape(stage), maxValue: Math.Max(1, total ?? 1));
                                task.IsIndeterminate = total is null;
                                if (total is { } t) task.MaxValue = Math.Max(1, t);
                                task.Value = done;
                            }
                        }).ConfigureAwait(false);
                    }).ConfigureAwait(false);
        }
    }

    /// <summary>Plain lines: greppable in logs, and few.</summary>
    private sealed class PlainLines(TextWriter writer)
    {
        private readonly Lock _gate = new();
        private string? _stage;
        private long _step = -1;

        public void Report(string stage, long done, long? total)
        {
            lock (_gate)
            {
                if (stage != _stage)
                {
                    _stage = stage;
                    _step = -1;
                }
                // A line per tenth, or per 10 MB when the size is unknown.
                var step = total is > 0 ? done * 10 / total.Value : done / (10 << 20);
                if (step == _step) return;
                _step = step;
                var amount = total is { } t ? $"{Megabytes(done)} of {Megabytes(t)} MB ({step * 10}%)" : $"{Megabytes(done)} MB";
                writer.WriteLine($"{stage}: {amount}");
            }
        }

        private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
    }
}
