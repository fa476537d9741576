using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// A real <c>llmspell node start --port 0</c> process, isolated as the cluster specs isolate theirs (tests/…/LlmSpellProcess): the
/// bench's data directory (its SQLite journal, unless <c>--postgres</c> is among the arguments), Ollama at the loopback server, no
/// config or other LLMSPELL_* variables of the machine. Killed (SIGKILL) on dispose if still running.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Pump(e.Data);
        _process.ErrorDataReceived += (_, e) => Pump(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The built CLI of the bench's configuration (<c>--dll PATH</c> overrides it).</summary>
    public static string CliDll(BenchArgs args)
    {
        var dll = BenchRunner.CliDllPath(args);
        return File.Exists(dll) ? dll
            : throw new FileNotFoundException($"{dll} not found; build src/LlmSpell.Cli in the same configuration first (or pass --dll PATH)");
    }

    /// <summary>Starts a node joining <paramref name="seed"/> (none: a new cluster); <paramref name="journal"/>: e.g. <c>--postgres CONN --schema S</c>.</summary>
    public static NodeProcess Start(string dll, string dataDirectory, Uri ollama, string? seed, IReadOnlyList<string> journal)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var arg in new[] { dll, "node", "start", "--port", "0" }) start.ArgumentList.Add(arg);
        if (seed is not null)
        {
            start.ArgumentList.Add("--seed");
            start.ArgumentList.Add(seed);
        }
        foreach (var arg in journal) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LLMSPELL_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["LLMSPELL_DATA_DIR"] = dataDirectory;
        start.Environment["OLLAMA_HOST"] = ollama.ToString();
        return new NodeProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>The node's address (<c>akka.tcp://llmspell@127.0.0.1:PORT</c>) once it printed that it is up.</summary>
    public string? Address { get; private set; }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async Task<string> UpAsync(TimeSpan within)
    {
        try
        {
            return Address = await _up.Task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the node did not come up within {within.TotalSeconds:0} s:\n{Output}");
        }
    }

    /// <summary>SIGKILL: the node dies mid-work, as in a crash (nothing when it has ended already).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already ended (or disposed).
        }
    }

    private void Pump(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Append(line).Append('\n');
        // "node akka.tcp://llmspell@127.0.0.1:PORT is up (roles: …)"
        if (line.Contains(" is up ", StringComparison.Ordinal)) _up.TrySetResult(line.Split(' ')[1]);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
