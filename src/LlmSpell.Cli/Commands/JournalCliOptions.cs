using System.CommandLine;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// The options that put a command's runs in PostgreSQL instead of <c>&lt;data-dir&gt;/llmspell.db</c>: <c>--postgres CONN</c>
/// (else <c>$LLMSPELL_POSTGRES</c>, else the config's <c>postgres</c>) and <c>--schema</c> (else the connection string's
/// Search Path, else <c>public</c>).
/// </summary>
internal sealed class JournalCliOptions
{
    public const string PostgresVariable = "LLMSPELL_POSTGRES";

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = $"Journal runs in PostgreSQL (Npgsql connection string, e.g. 'Host=db;Username=llmspell;Database=llmspell'; default: ${PostgresVariable}, else the config's postgres, else <data-dir>/llmspell.db)",
        HelpName = "CONN",
    };

    public Option<string?> Schema { get; } = new("--schema")
    {
        Description = "The PostgreSQL schema of the journal (default: the connection string's Search Path, else public)",
        HelpName = "NAME",
    };

    public void AddTo(Command command)
    {
        command.Add(Postgres);
        command.Add(Schema);
    }

    /// <summary>The PostgreSQL journal an option, the environment or the config names; null: the data directory's SQLite file.</summary>
    public RunStoreOptions? Read(ParseResult parse, CliConfig config)
    {
        var connection = parse.GetValue(Postgres) is { Length: > 0 } given ? given
            : Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } env ? env
            : config.Postgres is { Length: > 0 } configured ? configured
            : null;
        if (connection is null)
        {
            if (parse.GetValue(Schema) is not null) throw new CliException("--schema is for a PostgreSQL journal: give one with --postgres CONN (or $LLMSPELL_POSTGRES)");
            return null;
        }
        try
        {
            return RunStoreOptions.Postgres(connection, parse.GetValue(Schema));
        }
        catch (ArgumentException ex)
        {
            var option = ex.ParamName == "schema" ? "--schema" : "--postgres";
            throw CliException.ForOption(option, ex);
        }
    }
}
