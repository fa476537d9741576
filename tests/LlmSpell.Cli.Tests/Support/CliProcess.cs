using System.Diagnostics;
using System.Text;

namespace LlmSpell.Cli.Tests.Support;

/// <summary>A running llmspell process: its stderr lines can be awaited as they come, and it can be killed like a crash.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly Task<string> _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> When, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly Lock _gate = new();
    private readonly Task _stderrPump;

    internal CliProcess(Process process, string[] args)
    {
        _process = process;
        _args = args;
        _process.StandardInput.Close();
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderrPump = PumpAsync();
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                _stderr.Append(line).Append('\n');
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (!_waiters[i].When(line)) continue;
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
        lock (_gate)
        {
            foreach (var (_, seen) in _waiters) seen.TrySetException(new InvalidOperationException($"llmspell {string.Join(' ', _args)} closed stderr first:\n{_stderr}"));
            _waiters.Clear();
        }
    }

    /// <summary>The process id, as other llmspell processes report the runs it holds.</summary>
    public int Pid => _process.Id;

    /// <summary>The first stderr line (from now on, or already seen) that contains <paramref name="text"/>.</summary>
    public async Task<string> StderrLineAsync(string text)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var already = _stderr.ToString().Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (already is not null) return already;
            if (_stderrPump.IsCompleted) throw new InvalidOperationException($"llmspell {string.Join(' ', _args)} ended without printing '{text}':\n{_stderr}");
            _waiters.Add((l => l.Contains(text, StringComparison.Ordinal), seen));
        }
        return await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                         ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
    }

    /// <summary>Kills the process as a crash would (no shutdown of its own), and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task<CliRun> ExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            lock (_gate) throw new TimeoutException($"llmspell {string.Join(' ', _args)} did not exit within 60 s; its stderr so far:\n{_stderr}");
        }
        await _stderrPump;
        var stdout = await _stdout;
        lock (_gate) return new CliRun(_process.ExitCode, stdout, _stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
