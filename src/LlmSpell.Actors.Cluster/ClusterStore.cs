using LlmSpell.Actors.Persistence;
using LlmSpell.Actors.Persistence.Postgres;
using Npgsql;

namespace LlmSpell.Actors.Cluster;

/// <summary>
/// The cluster's PostgreSQL: the shared journal of runs, fenced by the run leases, and the cluster tables.
/// A writer names the owner whose leases it writes under; every write of <c>run-&lt;id&gt;</c> carries that owner's
/// epoch for the run as its fencing token, and a writer holding no lease of the run may only write while nobody does
/// (a client recording a new run's start).
/// </summary>
public sealed class ClusterStore : IAsyncDisposable
{
    private const string RunPrefix = "run-";

    private ClusterStore(ClusterOptions options, PostgresStore journal, NpgsqlDataSource dataSource)
    {
        Options = options;
        Journal = journal;
        DataSource = dataSource;
        Tables = new ClusterTables(dataSource, options);
    }

    public ClusterOptions Options { get; }

    /// <summary>The journal and snapshot store, fenced by the run leases.</summary>
    public PostgresStore Journal { get; }

    /// <summary>Connections for the cluster tables (and for extra node services: the inbox).</summary>
    public NpgsqlDataSource DataSource { get; }

    public string Schema => Options.Schema;

    internal ClusterTables Tables { get; }

    /// <summary>
    /// Opens the journal and the cluster tables (creating or migrating both). Writes of a run are fenced with
    /// <paramref name="owner"/>'s epoch from <paramref name="epochOf"/>; a run it has no epoch for may only be written
    /// while no node holds its lease.
    /// </summary>
    public static async Task<ClusterStore> OpenAsync(ClusterOptions options, string? owner = null, Func<string, long?>? epochOf = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fencing = new PostgresFencing($"{options.Schema}.run_leases", "run_id", persistenceId =>
        {
            if (!persistenceId.StartsWith(RunPrefix, StringComparison.Ordinal)) return null;
            var runId = persistenceId[RunPrefix.Length..];
            return owner is not null && epochOf?.Invoke(runId) is { } epoch
                ? new PostgresFencingToken(runId, owner, epoch)
                : new PostgresFencingToken(runId, null, 0);
        });
        // The journal first: it checks the connection string and the server, with a message saying what to fix.
        var journal = await PostgresStore.OpenAsync(new PostgresOptions(options.ConnectionString).WithSchema(options.Schema).WithFencing(fencing), cancellationToken)
            .ConfigureAwait(false);
        var dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        try
        {
            await ClusterSchema.MigrateAsync(dataSource, options.Schema, cancellationToken).ConfigureAwait(false);
            return new ClusterStore(options, journal, dataSource);
        }
        catch (Exception ex)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            await journal.DisposeAsync().ConfigureAwait(false);
            if (ex is NpgsqlException or TimeoutException)
                throw new PersistenceStoreException(
                    $"Cannot create the cluster tables in schema {options.Schema}: {ex.Message}. Check that the user may create tables in the schema.", ex);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Journal.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }
}
