using System.CommandLine;
using System.Globalization;
using LlmSpell.Actors.Cluster;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// The options that point a command at a cluster: <c>--postgres CONN</c> (else <c>$LLMSPELL_POSTGRES</c>, else the config's
/// <c>postgres</c>) and <c>--schema</c> (else the connection string's Search Path, else <c>public</c>).
/// </summary>
internal sealed class ClusterCliOptions
{
    public const string PostgresVariable = "LLMSPELL_POSTGRES";

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = $"Work on a cluster: its PostgreSQL (Npgsql connection string, e.g. 'Host=db;Username=llmspell;Database=llmspell'; default: ${PostgresVariable}, else the config's postgres)",
        HelpName = "CONN",
    };

    public Option<string?> Schema { get; } = new("--schema")
    {
        Description = "The PostgreSQL schema of the cluster's journal and tables (default: the connection string's Search Path, else public)",
        HelpName = "NAME",
    };

    public void AddTo(Command command)
    {
        command.Add(Postgres);
        command.Add(Schema);
    }

    /// <summary>Whether the command targets a cluster (an option, the environment or the config names a PostgreSQL).</summary>
    public bool IsGiven(ParseResult parse, CliConfig config) => ConnectionString(parse, config) is not null;

    /// <summary>The cluster options, or null when none is given (the command then works on the local journal).</summary>
    public ClusterOptions? ReadIfGiven(ParseResult parse, CliConfig config) => IsGiven(parse, config) ? Read(parse, config) : null;

    /// <summary>The cluster options; a missing connection string or a bad schema is a usage error saying what to pass.</summary>
    public ClusterOptions Read(ParseResult parse, CliConfig config)
    {
        var connection = ConnectionString(parse, config)
            ?? throw new CliException($"no cluster given: pass --postgres CONN (e.g. --postgres 'Host=127.0.0.1;Username=postgres;Database=llmspell'), set {PostgresVariable}, or set postgres in the config");
        ClusterOptions options;
        try
        {
            options = new ClusterOptions(connection);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--postgres: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
        try
        {
            return parse.GetValue(Schema) is { } schema ? options.WithSchema(schema) : options;
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--schema: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private string? ConnectionString(ParseResult parse, CliConfig config) =>
        parse.GetValue(Postgres) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } env ? env
        : config.Postgres is { Length: > 0 } configured ? configured
        : null;

    /// <summary>A duration as <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c> or <c>00:00:05</c>.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        var t = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000)];
        foreach (var (suffix, ms) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
                return TimeSpan.FromMilliseconds(n * ms);
        }
        if (TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero) return span;
        throw new CliException($"{option}: '{text}' is not a positive duration; write e.g. 500ms, 1s, 2m or 00:00:05");
    }
}
