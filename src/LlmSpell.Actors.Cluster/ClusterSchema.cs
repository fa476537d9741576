using System.Globalization;
using LlmSpell.Actors.Persistence.Postgres;
using Npgsql;

namespace LlmSpell.Actors.Cluster;

/// <summary>
/// The cluster's tables, beside the journal in the same PostgreSQL schema: membership (<c>nodes</c>),
/// run ownership (<c>run_leases</c>) and in-cluster messages (<c>cluster_inbox</c>). Created or migrated under
/// an advisory lock; <c>cluster_schema_version</c> records what was applied, apart from the journal's own version.
/// </summary>
public static class ClusterSchema
{
    // Append only: a released migration never changes. {0} is the schema.
    private static readonly string[] Migrations =
    [
        // 1: a node holds a heartbeat lease (expires_at); a run is owned by the node whose lease row names it,
        //    and epoch grows on every change of owner: journal writes carry it as a fencing token.
        //    The inbox addresses a run ("run:<id>", read by its owner) or a node ("node:<name>", e.g. replies);
        //    message_id makes redelivery idempotent at the receiver.
        """
        CREATE TABLE {0}.nodes (
            name         text PRIMARY KEY,
            address      text NOT NULL DEFAULT '',
            started_at   timestamptz NOT NULL DEFAULT now(),
            heartbeat_at timestamptz NOT NULL DEFAULT now(),
            expires_at   timestamptz NOT NULL,
            state        text NOT NULL DEFAULT 'up'
        );
        CREATE TABLE {0}.run_leases (
            run_id     text PRIMARY KEY,
            owner      text NOT NULL,
            epoch      bigint NOT NULL,
            expires_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX run_leases_owner_idx ON {0}.run_leases (owner);
        CREATE TABLE {0}.cluster_inbox (
            id           bigserial PRIMARY KEY,
            message_id   uuid NOT NULL UNIQUE,
            target       text NOT NULL,
            kind         text NOT NULL,
            payload      jsonb NOT NULL,
            reply_to     text,
            created_at   timestamptz NOT NULL DEFAULT now(),
            delivered_at timestamptz
        );
        CREATE INDEX cluster_inbox_pending_idx ON {0}.cluster_inbox (target, id) WHERE delivered_at IS NULL;
        """,
        // 2: watchers of a run on other nodes wake when its journal grows: a NOTIFY per written run event, on channel {1}
        //    with the persistence id (PostgreSQL folds equal notifications of one transaction into one). The trigger is
        //    attached by AttachJournalTrigger, since the journal's own tables may be created after these.
        //    cluster_applying: a signal about to be applied, committed before the engine acts, so that a node dying between
        //    applying and marking the message delivered can tell on redelivery whether the signal went in (see InboxDispatcher).
        """
        CREATE TABLE {0}.cluster_applying (
            message_id     uuid PRIMARY KEY,
            run_id         text NOT NULL,
            signals_before integer NOT NULL,
            started_at     timestamptz NOT NULL DEFAULT now()
        );
        CREATE FUNCTION {0}.cluster_notify_journal() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.persistence_id LIKE 'run-%' THEN
                PERFORM pg_notify('{1}', NEW.persistence_id);
            END IF;
            RETURN NULL;
        END $$;
        """,
    ];

    // Idempotent, run on every migrate: the journal table exists once a PostgresStore opened the schema.
    private const string AttachJournalTrigger = """
        DO $$
        BEGIN
            IF to_regclass('{0}.journal') IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM pg_trigger WHERE tgname = 'cluster_notify_journal' AND tgrelid = to_regclass('{0}.journal')) THEN
                CREATE TRIGGER cluster_notify_journal AFTER INSERT ON {0}.journal
                    FOR EACH ROW EXECUTE FUNCTION {0}.cluster_notify_journal();
            END IF;
        END $$;
        """;

    /// <summary>
    /// The schema a connection string names: the first entry of its <c>Search Path</c>, else <c>public</c>. Throws
    /// <see cref="ArgumentException"/> with what to fix for a connection string Npgsql cannot read.
    /// </summary>
    public static string SchemaOf(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(
                $"The PostgreSQL connection string is not valid: {ex.Message.TrimEnd('.')}. Use the keyword form, e.g. 'Host=localhost;Username=llmspell;Database=llmspell;Search Path=llmspell'.", ex);
        }
        var first = builder.SearchPath?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) ? "public" : first.Trim('"');
    }

    /// <summary>The highest migration this build knows.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Creates or upgrades the cluster tables in <paramref name="schema"/> (idempotent, safe from many processes at once).</summary>
    public static Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        return PostgresMigrator.ApplyAsync(dataSource, schema, "cluster_schema_version", "llmspell-cluster-schema",
            Migrations.Select(m => Format(m, schema)).ToArray(),
            (current, known) => new InvalidOperationException(
                $"The cluster tables in PostgreSQL schema '{schema}' have version {current}, newer than this build knows ({known}). Upgrade every node to the same LlmSpell version."),
            thenSql: Format(AttachJournalTrigger, schema), cancellationToken);
    }

    private static string Format(string sql, string schema) =>
        string.Format(CultureInfo.InvariantCulture, sql, schema, Messaging.ClusterChannels.JournalOf(schema));
}
