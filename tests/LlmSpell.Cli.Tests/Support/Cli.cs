using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmSpell.Cli.Tests.Support;

/// <summary>What a finished llmspell process left: its exit code and both streams.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout parsed as one JSON document (fails the test when it is anything else).</summary>
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("stdout is JSON null");

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the built llmspell (<c>dotnet llmspell.dll</c>) as a real process, isolated from the machine: its own data
/// directory, no config from the environment, Ollama wherever the test says (by default a closed port).
/// </summary>
public sealed class Cli
{
    public static readonly string Dll = Metadata("LlmSpellCliDll");
    public static readonly string RepositoryRoot = Path.GetFullPath(Metadata("RepositoryRoot"));

    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);

    public Cli(string dataDirectory, Uri? ollama = null)
    {
        DataDirectory = dataDirectory;
        _environment["LLMSPELL_DATA_DIR"] = dataDirectory;
        _environment["LLMSPELL_CONFIG"] = null;
        _environment["LLMSPELL_PROGRESS"] = null;
        _environment["LLMSPELL_TLS_CERTIFICATE"] = null;
        _environment["LLMSPELL_TLS_PASSWORD"] = null;
        _environment["OPENAI_API_KEY"] = null;
        _environment["OPENAI_BASE_URL"] = null;
        // A node started by a spec forms a cluster of its own on the data directory's journal, whatever this machine is set up for.
        _environment["LLMSPELL_POSTGRES"] = null;
        _environment["LLMSPELL_SEEDS"] = null;
        _environment["LLMSPELL_PUBLIC_HOST"] = null;
        // Nothing listens on port 9 of the loopback: an unreachable Ollama unless a test server is given.
        _environment["OLLAMA_HOST"] = (ollama ?? new Uri("http://127.0.0.1:9/")).ToString();
    }

    public string DataDirectory { get; }
    public string WorkingDirectory { get; set; } = RepositoryRoot;

    public Cli With(string variable, string? value)
    {
        _environment[variable] = value;
        return this;
    }

    public Task<CliRun> RunAsync(params string[] args) => RunAsync(args, null);

    public async Task<CliRun> RunAsync(string[] args, string? stdin)
    {
        using var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("dotnet did not start");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"llmspell {string.Join(' ', args)} did not finish within 60 s");
        }
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts llmspell and leaves it running: the test reads its stderr lines as they come, and may kill it.</summary>
    public CliProcess Start(params string[] args)
    {
        var start = StartInfo(args);
        // A test run started from a non-interactive shell's background job ignores SIGINT, and a child inherits that: the
        // process would never see the Ctrl+C a spec sends it. env (coreutils) restores the default before running dotnet.
        start.ArgumentList.Insert(0, start.FileName);
        start.ArgumentList.Insert(0, "--default-signal=INT");
        start.FileName = "env";
        return new(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), args);
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in _environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        return start;
    }

    private static string Metadata(string key) =>
        typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing");
}
