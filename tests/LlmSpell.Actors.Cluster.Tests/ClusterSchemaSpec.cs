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
}
