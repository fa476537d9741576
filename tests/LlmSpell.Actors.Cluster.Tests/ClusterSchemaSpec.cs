using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Tests.Support;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ClusterSchemaSpec(PostgresFixture postgres)
{
    [Fact]
    public async Task Migrating_creates_the_cluster_tables_once_even_when_many_nodes_start_together()
    {
        var schema = postgres.SchemaFor(nameof(ClusterSchemaSpec));
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ClusterSchema.MigrateAsync(dataSource, schema)));

            await using var command = dataSource.CreateCommand(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name");
            command.Parameters.AddWithValue(schema);
            var tables = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            tables.Should().Equal("cluster_applying", "cluster_inbox", "cluster_schema_version", "nodes", "run_leases");

            await using var versions = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.cluster_schema_version");
            (await versions.ExecuteScalarAsync()).Should().Be((long)ClusterSchema.LatestVersion);
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_journal_notification_is_attached_once_the_journal_exists_even_when_the_cluster_tables_came_first()
    {
        var schema = postgres.SchemaFor(nameof(The_journal_notification_is_attached_once_the_journal_exists_even_when_the_cluster_tables_came_first));
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        try
        {
            await ClusterSchema.MigrateAsync(dataSource, schema);
            (await TriggersAsync(dataSource, schema)).Should().Be(0, "there is no journal yet");
            await using (await PostgresStore.OpenAsync(new PostgresOptions(postgres.ConnectionString).WithSchema(schema)))
            {
            }

            await ClusterSchema.MigrateAsync(dataSource, schema);
            await ClusterSchema.MigrateAsync(dataSource, schema);

            (await TriggersAsync(dataSource, schema)).Should().Be(1);
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData("Host=db;Database=llmspell", "public")]
    [InlineData("Host=db;Database=llmspell;Search Path=cluster_a", "cluster_a")]
    [InlineData("Host=db;Database=llmspell;Search Path=cluster_b, public", "cluster_b")]
    public void The_schema_is_the_first_entry_of_the_connection_strings_search_path(string connectionString, string schema) =>
        ClusterSchema.SchemaOf(connectionString).Should().Be(schema);

    [Fact]
    public void A_connection_string_npgsql_cannot_read_is_refused_with_an_example()
    {
        var read = () => ClusterSchema.SchemaOf("Hots=db");
        read.Should().Throw<ArgumentException>().WithMessage("*not valid*Host=localhost*");
    }

    private static async Task<long> TriggersAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND t.tgname = 'cluster_notify_journal'");
        command.Parameters.AddWithValue(schema);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
