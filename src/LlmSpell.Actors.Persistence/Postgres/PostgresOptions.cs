using System.Text.RegularExpressions;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>Options of the PostgreSQL journal and snapshot store; every default lives here.</summary>
public sealed partial record PostgresOptions
{
    /// <summary>Options for the server at <paramref name="connectionString"/> (Npgsql keyword form, e.g. <c>Host=db;Username=llmspell;Database=llmspell</c>).</summary>
    public PostgresOptions(string connectionString)
    {
        ConnectionString = !string.IsNullOrWhiteSpace(connectionString)
            ? connectionString
            : throw new ArgumentException("A PostgreSQL connection string is required (e.g. 'Host=localhost;Username=llmspell;Database=llmspell').", nameof(connectionString));
    }

    public string ConnectionString { get; init; }

    /// <summary>The schema holding the tables; created when missing. Default <c>public</c>.</summary>
    public string Schema { get; init; } = "public";

    /// <summary>How long one statement may run.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Group commit: writes queued while a statement runs go together into the next one, on up to this many connections.</summary>
    public int WriterConnections { get; init; } = 2;

    /// <summary>At most this many events in one group-commit statement.</summary>
    public int MaxEventsPerStatement { get; init; } = 10_000;

    /// <summary>Checks every journal write against a lease table (fencing tokens); null (default) writes unchecked.</summary>
    public PostgresFencing? Fencing { get; init; }

    public PostgresOptions WithFencing(PostgresFencing? fencing) => this with { Fencing = fencing };

    public PostgresOptions WithWriterConnections(int connections) =>
        connections >= 1 ? this with { WriterConnections = connections } : throw new ArgumentOutOfRangeException(nameof(connections), connections, "must be at least 1");

    public PostgresOptions WithMaxEventsPerStatement(int maxEvents) =>
        maxEvents >= 1 ? this with { MaxEventsPerStatement = maxEvents } : throw new ArgumentOutOfRangeException(nameof(maxEvents), maxEvents, "must be at least 1");

    public PostgresOptions WithSchema(string schema) =>
        SchemaName().IsMatch(schema ?? "")
            ? this with { Schema = schema! }
            : throw new ArgumentException($"The schema must be a lower-case SQL identifier (letters, digits, _), got '{schema}'.", nameof(schema));

    public PostgresOptions WithCommandTimeout(TimeSpan timeout) =>
        timeout > TimeSpan.Zero ? this with { CommandTimeout = timeout } : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be positive");

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
