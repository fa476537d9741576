using LlmSpell.Tests.Postgres;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>The durable path once on PostgreSQL (the persistence specs' throwaway server, or LLMSPELL_TEST_PG).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresDurableCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres-durable";
}

[Collection(PostgresDurableCollection.Name)]
public sealed class PostgresDurableSpec(PostgresFixture fixture) : DurableSpec
{
    protected override RunStoreOptions Store => fixture.Store(nameof(PostgresDurableSpec));

    [Fact]
    public async Task A_run_on_postgres_resumes_after_a_restart_without_running_completed_steps_again()
    {
        var definition = Sequential("pg", Tool("one"), Tool("two", parameters: """{"n":"{{steps.one.output.n}}"}"""), Tool("three"));
        var before = new ScriptedTools().Counts("one").Hangs("two").Counts("three");
        var system = NewSystem();
        var engine = DurableEngine(system, before, runId: "pg-run");
        await engine.StartAsync(definition);
        await before.WhenCalled("two").WaitAsync(RunLimit);
        await system.Terminate();

        var after = new ScriptedTools().Counts("one").Echo("two").Counts("three");
        var engine2 = DurableEngine(NewSystem(), after, resumeOnStart: true);
        var result = await Finished((await engine2.Recovery.WaitAsync(RunLimit)).Should().ContainSingle().Subject);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        after.Calls("one").Should().Be(0);
        after.Calls("two").Should().Be(1);
        after.CallParameters("two").Single()["n"]!.ToString().Should().Be("1");
        var second = DurableEngine(NewSystem(), after, runId: "pg-run");
        var again = () => second.StartAsync(definition);
        (await again.Should().ThrowAsync<InvalidOperationException>("the run id is taken in the journal")).Which.Message.Should().Contain("'pg-run' is taken");
        (await engine2.ListRunsAsync(new RunQuery { State = RunState.Completed })).Single().RunId.Should().Be("pg-run");
    }
}
