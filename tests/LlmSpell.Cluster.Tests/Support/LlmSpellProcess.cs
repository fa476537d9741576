using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace LlmSpell.Cluster.Tests.Support;

/// <summary>
/// A real llmspell process — a node (<c>node start</c> on a free loopback port), a client command, or the app-node sample — isolated from the machine
/// (its own data directory, no config, Ollama where the test says). Its output lines can be awaited; it can be killed like a
/// crash or stopped by SIGTERM.
/// </summary>
public sealed class LlmSpellProcess : IAsyncDisposable
{
    private static readonly string CliDll = BuiltDll("LlmSpellCliDll");
    private static readonly string AppNodeDll = BuiltDll("AppNodeSampleDll");

    private readonly Process _process;
    private readonly Task[] _pumps;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> When, TaskCompletionSource<string> Seen)> _waiters = [];
    private int _openStreams = 2;
    private bool _ended;

    private LlmSpellProcess(Process process)
    {
        _process = process;
        _process.StandardInput.Close();
        _pumps = [PumpAsync(_process.StandardOutput, _stdout), PumpAsync(_process.StandardError, null)];
    }

    /// <summary>
    /// Starts a node on <paramref name="dataDirectory"/>'s journal (or the one <paramref name="options"/> name, e.g. --postgres), joining
    /// <paramref name="seed"/> (none: a new cluster).
    /// </summary>
    public static LlmSpellProcess Node(string dataDirectory, Uri ollama, string? seed = null, params string[] options) =>
        Start(dataDirectory, ollama, [.. "node start --port 0".Split(' '), .. seed is null ? [] : new[] { "--seed", seed }, .. options]);

    /// <summary>Starts <c>llmspell ARGS</c>.</summary>
    public static LlmSpellProcess Start(string dataDirectory, Uri ollama, params string[] args) =>
        Start(dataDirectory, ollama, new Dictionary<string, string>(), args);

    /// <summary>Starts <c>llmspell ARGS</c> with <paramref name="environment"/> set (e.g. the cluster's TLS certificate).</summary>
    public static LlmSpellProcess Start(string dataDirectory, Uri ollama, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch(CliDll, dataDirectory, ollama, environment, args);

    /// <summary>Starts the app-node sample (samples/LlmSpell.Samples.AppNode): an Akka.NET node of the app's own that joins <paramref name="seed"/>.</summary>
    public static LlmSpellProcess AppNode(string directory, Uri ollama, string seed, params string[] args) =>
        Launch(AppNodeDll, directory, ollama, new Dictionary<string, string>(), ["--seed", seed, .. args]);

    private static string BuiltDll(string key) =>
        typeof(LlmSpellProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static LlmSpellProcess Launch(string dll, string dataDirectory, Uri ollama, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LLMSPELL_DATA_DIR"] = dataDirectory;
        start.Environment["OLLAMA_HOST"] = ollama.ToString();
        start.Environment.Remove("LLMSPELL_CONFIG");
        start.Environment.Remove("LLMSPELL_POSTGRES");
        start.Environment.Remove("LLMSPELL_SEEDS");
        start.Environment.Remove("LLMSPELL_PUBLIC_HOST");
        start.Environment.Remove("LLMSPELL_PROGRESS");
        start.Environment.Remove("LLMSPELL_TLS_CERTIFICATE");
        start.Environment.Remove("LLMSPELL_TLS_PASSWORD");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new LlmSpellProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>The node's address once it is up (<c>akka.tcp://llmspell@127.0.0.1:PORT</c>, with TLS <c>akka.ssl.tcp://…</c>).</summary>
    public async Task<string> UpAsync(TimeSpan within)
    {
        var line = await LineAsync(l => l.Contains(" is up ", StringComparison.Ordinal)).WaitAsync(within);
        return Address = line.Split(' ')[1];
    }

    public string? Address { get; private set; }

    public int Pid => _process.Id;

    /// <summary>Standard output alone (e.g. the JSON of --output json).</summary>
    public string Stdout
    {
        get
        {
            lock (_gate) return _stdout.ToString();
        }
    }

    /// <summary>Standard output and error, line by line as they came.</summary>
    public string Output
    {
        get
        {
            lock (_gate) return _output.ToString();
        }
    }

    public Task<string> LineAsync(Func<string, bool> when)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var already = _output.ToString().Split('\n').FirstOrDefault(when);
            if (already is not null) return Task.FromResult(already);
            if (_ended) return Task.FromException<string>(new InvalidOperationException($"llmspell ended without printing the line awaited; its output:\n{_output}"));
            _waiters.Add((when, seen));
        }
        return seen.Task;
    }

    /// <summary>SIGKILL: the node dies mid-work, as in a crash.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGSTOP: the process freezes (a long GC pause, a suspended VM) until <see cref="Continue"/>.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>SIGCONT: a paused process goes on where it was.</summary>
    public void Continue() => Signal("-CONT");

    private void Signal(string signal) =>
        Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>SIGTERM, then the exit code once the process has ended (a node: once it has left the cluster).</summary>
    public async Task<int> StopAsync(TimeSpan within)
    {
        Signal("-TERM");
        return await ExitAsync(within);
    }

    /// <summary>The exit code once the process has ended by itself.</summary>
    public async Task<int> ExitAsync(TimeSpan within)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"llmspell did not end within {within.TotalSeconds:0} s; its output so far:\n{Output}");
        }
        // The pumps read to the end of both streams.
        await Task.WhenAll(_pumps);
        return _process.ExitCode;
    }

    private async Task PumpAsync(StreamReader reader, StringBuilder? stream)
    {
        await ReadLinesAsync(reader, stream);
        // Both streams ended with the process: a line still awaited will never come; say so now rather than at the spec's limit.
        if (Interlocked.Decrement(ref _openStreams) > 0) return;
        lock (_gate)
        {
            foreach (var (_, seen) in _waiters)
                seen.TrySetException(new InvalidOperationException($"llmspell ended without printing the line awaited; its output:\n{_output}"));
            _waiters.Clear();
            _ended = true;
        }
    }

    private async Task ReadLinesAsync(StreamReader reader, StringBuilder? stream)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                _output.Append(line).Append('\n');
                stream?.Append(line).Append('\n');
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (!_waiters[i].When(line)) continue;
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
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
