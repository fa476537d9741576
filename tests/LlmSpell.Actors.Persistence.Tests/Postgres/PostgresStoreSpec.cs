using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Tests.Support;
using Npgsql;

namespace LlmSpell.Actors.Persistence.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreSpec(PostgresFixture fixture)
{
    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Opening_creates_the_tables_with_a_unique_key_on_id_and_sequence_nr_and_records_the_version_once()
    {
        var store = await fixture.StoreAsync(nameof(PostgresStoreSpec));
        var schema = fixture.SchemaFor(nameof(PostgresStoreSpec));
        await using (await PostgresStore.OpenAsync(new PostgresOptions(fixture.ConnectionString).WithSchema(schema))) { } // opened twice

        (await ScalarAsync($"SELECT COUNT(*) FROM {schema}.schema_version")).Should().Be(1L);
        var constraint = (string?)await ScalarAsync(
            $"SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace " +
            $"WHERE n.nspname = '{schema}' AND c.conname = 'journal_persistence_id_sequence_nr_key'");
        constraint.Should().Be("UNIQUE (persistence_id, sequence_nr)");
        (await ScalarAsync($"SELECT data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'journal' AND column_name = 'payload'"))
            .Should().Be("jsonb");
        (await ScalarAsync($"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = 'snapshots'")).Should().Be(1L);
        store.Options.Schema.Should().Be(schema);
    }

    [Fact]
    public async Task Events_are_stored_as_jsonb_with_tags_in_insertion_order()
    {
        var store = await fixture.StoreAsync(nameof(PostgresStoreSpec));
        var schema = fixture.SchemaFor(nameof(PostgresStoreSpec));
        var pid = TestSerializer.NewPersistenceId();
        await store.Journal.WriteAsync(TestSerializer.Events(pid, 1, 2, "a", "b"));

        (await ScalarAsync($"SELECT payload->>'value' FROM {schema}.journal WHERE persistence_id = '{pid}' AND sequence_nr = 2")).Should().Be("2");
        (await ScalarAsync($"SELECT array_to_string(tags, ',') FROM {schema}.journal WHERE persistence_id = '{pid}' AND sequence_nr = 1")).Should().Be("a,b");
        (await ScalarAsync($"SELECT bool_and(o2 > o1) FROM (SELECT ordering AS o1, lead(ordering) OVER (ORDER BY sequence_nr) AS o2 FROM {schema}.journal WHERE persistence_id = '{pid}') x WHERE o2 IS NOT NULL"))
            .Should().Be(true);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_reported_with_where_and_what_to_check()
    {
        var open = () => PostgresStore.OpenAsync(new PostgresOptions("Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3"));

        (await open.Should().ThrowAsync<PersistenceStoreException>()).WithMessage("*127.0.0.1:1/none*Check that the server runs*");
    }

    [Fact]
    public void A_schema_name_that_is_not_a_plain_identifier_is_refused()
    {
        FluentActions.Invoking(() => new PostgresOptions("Host=x").WithSchema("drop table; --"))
            .Should().Throw<ArgumentException>().WithMessage("*identifier*");
    }
}
