using System.Diagnostics;

namespace LlmSpell.Tests.Postgres;

/// <summary>
/// A PostgreSQL server started by <c>scripts/postgres.sh</c> (installs PostgreSQL when missing and root) on
/// 127.0.0.1 with a free port and a temp data directory; stopped on dispose, or when this process exits.
/// Shared by the tests and the benchmarks.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _dataDirectory;

    private ThrowawayPostgres(string script, string dataDirectory, string connectionString)
    {
        _script = script;
        _dataDirectory = dataDirectory;
        ConnectionString = connectionString;
    }

    /// <summary>An Npgsql connection string to the server's <c>postgres</c> database as the superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts a server; <paramref name="fast"/> turns fsync off (tests).</summary>
    public static async Task<ThrowawayPostgres> StartAsync(bool fast, CancellationToken cancellationToken = default)
    {
        var script = FindScript();
        var args = $"\"{script}\" start{(fast ? " --fast" : "")} --owner-pid {Environment.ProcessId}";
        var (exit, stdout, stderr) = await RunAsync(args, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        string? Value(string key) => stdout.Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
        var dir = Value("LLMSPELL_PG_DIR");
        var connection = Value("LLMSPELL_PG");
        if (exit != 0 || dir is null || connection is null)
            throw new InvalidOperationException(
                $"PostgreSQL could not be started by {script} (exit {exit}). " +
                "Install PostgreSQL (apt-get install -y postgresql; the script does it when run as root) or set LLMSPELL_TEST_PG " +
                $"to the connection string of a server you own (e.g. 'Host=localhost;Username=postgres;Database=postgres').\n--- script output ---\n{stderr.Trim()}");
        return new ThrowawayPostgres(script, dir, connection);
    }

    public async ValueTask DisposeAsync() =>
        await RunAsync($"\"{_script}\" stop \"{_dataDirectory}\"", TimeSpan.FromMinutes(1), CancellationToken.None).ConfigureAwait(false);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'bash {arguments}' did not finish within {timeout.TotalSeconds:0} s.");
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>scripts/postgres.sh of the repository this assembly was built from (found upwards from the binaries).</summary>
    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "postgres.sh");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"scripts/postgres.sh was not found above {AppContext.BaseDirectory}; run from the repository's build output.");
    }
}
