using System.Diagnostics;
using System.Text;

namespace LlmSpell.Cli.Tests.Support;

/// <summary>A running llmspell process: its output lines can be awaited as they come, and it can be killed like a crash.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly Lines _stdout;
    private readonly Lines _stderr;

    internal CliProcess(Process process, string[] args)
    {
        _process = process;
        _args = args;
        _process.StandardInput.Close();
        var command = $"llmspell {string.Join(' ', args)}";
        _stdout = new Lines(_process.StandardOutput, command, "stdout");
        _stderr = new Lines(_process.StandardError, command, "stderr");
    }

    /// <summary>The process id, as other llmspell processes report the runs it holds.</summary>
    public int Pid => _process.Id;

    /// <summary>The first stderr line (from now on, or already seen) that contains <paramref name="text"/>.</summary>
    public Task<string> StderrLineAsync(string text) => _stderr.LineAsync(text);

    /// <summary>The first stdout line (from now on, or already seen) that contains <paramref name="text"/>.</summary>
    public Task<string> StdoutLineAsync(string text) => _stdout.LineAsync(text);

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
            throw new TimeoutException($"llmspell {string.Join(' ', _args)} did not exit within 60 s; its stderr so far:\n{_stderr.Text}");
        }
        await Task.WhenAll(_stdout.Pumped, _stderr.Pumped);
        return new CliRun(_process.ExitCode, _stdout.Text, _stderr.Text);
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

    /// <summary>One output stream, read line by line as it comes; awaiting a line that never comes fails once the stream ends.</summary>
    private sealed class Lines
    {
        private readonly StringBuilder _text = new();
        private readonly List<(Func<string, bool> When, TaskCompletionSource<string> Seen)> _waiters = [];
        private readonly Lock _gate = new();
        private readonly string _command;
        private readonly string _name;

        public Lines(StreamReader reader, string command, string name)
        {
            _command = command;
            _name = name;
            Pumped = PumpAsync(reader);
        }

        public Task Pumped { get; }

        public string Text
        {
            get
            {
                lock (_gate) return _text.ToString();
            }
        }

        public async Task<string> LineAsync(string text)
        {
            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                var already = _text.ToString().Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
                if (already is not null) return already;
                if (Pumped.IsCompleted) throw new InvalidOperationException($"{_command} ended without printing '{text}' on {_name}:\n{_text}");
                _waiters.Add((l => l.Contains(text, StringComparison.Ordinal), seen));
            }
            return await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        private async Task PumpAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_gate)
                {
                    _text.Append(line).Append('\n');
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
                foreach (var (_, seen) in _waiters) seen.TrySetException(new InvalidOperationException($"{_command} closed {_name} first:\n{_text}"));
                _waiters.Clear();
            }
        }
    }
}
