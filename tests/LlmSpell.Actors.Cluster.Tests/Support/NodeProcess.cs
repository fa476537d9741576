using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace LlmSpell.Actors.Cluster.Tests.Support;

/// <summary>
/// A real <c>llmspell node start</c> process: its stderr lines can be awaited, and it can be stopped the ways a node
/// dies or pauses — SIGKILL, SIGSTOP/SIGCONT — or asked to leave (SIGTERM).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private readonly Task _pump;
    private readonly Task<string> _stdout;

    public static string CliDll { get; } = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LlmSpellCliDll").Value!;

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.StandardInput.Close();
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _pump = PumpAsync();
    }

    /// <summary>The leases of the nodes the specs start: short, so failover is quick, yet two missed heartbeats apart.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LeaseExpiry = TimeSpan.FromSeconds(3);

    public string Name { get; }
    public int Pid => _process.Id;

    /// <summary>Starts <c>llmspell ARGS</c> with its own data directory and the given LLM server, returning at once.</summary>
    public static NodeProcess Launch(string name, IEnumerable<string> args, Uri ollama, string dataDirectory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.ArgumentList.Add("--data-dir");
        info.ArgumentList.Add(dataDirectory);
        info.Environment["OLLAMA_HOST"] = ollama.ToString();
        info.Environment["LLMSPELL_CONFIG"] = "";
        info.Environment["DOTNET_TieredPGO"] = "0";
        return new NodeProcess(name, Process.Start(info)!);
    }

    /// <summary>Starts a node and waits until it has joined the cluster.</summary>
    public static async Task<NodeProcess> StartNodeAsync(string name, string connectionString, string schema, Uri ollama, string dataDirectory)
    {
        var node = Launch(name,
            ["node", "start", "--postgres", connectionString, "--schema", schema, "--name", name, "--heartbeat", $"{Heartbeat.TotalSeconds}s", "--lease-expiry", $"{LeaseExpiry.TotalSeconds}s", "--verbose"],
            ollama, dataDirectory);
        await node.StderrLineAsync($"node {name} is up");
        return node;
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
            lock (_gate) _stderr.Append(line).Append('\n');
    }

    public string Stderr
    {
        get { lock (_gate) return _stderr.ToString(); }
    }

    /// <summary>Waits (generously) for a stderr line containing <paramref name="text"/>.</summary>
    public async Task<string> StderrLineAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var line = Stderr.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null) return line;
            if (_pump.IsCompleted || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"node {Name} {(_pump.IsCompleted ? "ended" : "timed out")} without printing '{text}':\n{Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>A crash: the process dies at once, nothing of it runs any more.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A pause (GC stall, VM freeze, partition): the process keeps its state but runs nothing until <see cref="Continue"/>.</summary>
    public void Pause() => Signal(SigStop);

    public void Continue() => Signal(SigCont);

    /// <summary>SIGTERM, and the exit code once the node has left.</summary>
    public async Task<int> TerminateAsync()
    {
        Signal(SigTerm);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await _pump;
        return _process.ExitCode;
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        await _pump;
        return (_process.ExitCode, await _stdout, Stderr);
    }

    private void Signal(int signal)
    {
        if (SysKill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                Signal(SigCont);
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }
        _process.Dispose();
    }
}
