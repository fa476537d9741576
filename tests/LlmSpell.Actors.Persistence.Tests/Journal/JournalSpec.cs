using System.Text.Json.Nodes;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Persistence.Tests.Journal;

/// <summary>
/// The journal contract, as Akka's JournalSpec: every <see cref="IJournal"/> passes it. A concrete spec
/// opens its store in <see cref="OpenAsync"/>; tests use fresh persistence ids, so a store may be shared by a class.
/// </summary>
public abstract class JournalSpec : IAsyncLifetime
{
    protected IJournal Journal { get; private set; } = null!;

    protected JsonEventSerializer Serializer { get; } = TestSerializer.Create();

    /// <summary>The journal and snapshot store under test.</summary>
    protected abstract Task<(IJournal Journal, ISnapshotStore Snapshots)> OpenAsync();

    public virtual async Task InitializeAsync() => (Journal, _) = await OpenAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<PersistentRepr>> ReplayAsync(string pid, long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        var list = new List<PersistentRepr>();
        await foreach (var e in Journal.ReplayAsync(pid, from, to, max)) list.Add(e);
        return list;
    }

    private static IEnumerable<long> Seqs(IEnumerable<PersistentRepr> events) => events.Select(e => e.SequenceNr);

    [Fact]
    public async Task Replay_returns_written_events_in_order_with_manifest_payload_tags_and_timestamp()
    {
        var pid = TestSerializer.NewPersistenceId();
        var written = TestSerializer.Events(pid, 1, 3, "workflow", "run");
        written[1] = written[1] with { Tags = [] };
        await Journal.WriteAsync(written);

        var replayed = await ReplayAsync(pid);

        Seqs(replayed).Should().Equal(1, 2, 3);
        for (var i = 0; i < 3; i++)
        {
            replayed[i].PersistenceId.Should().Be(pid);
            replayed[i].Manifest.Should().Be(TestSerializer.AddedManifest);
            JsonNode.DeepEquals(JsonNode.Parse(replayed[i].Payload), JsonNode.Parse(written[i].Payload)).Should().BeTrue(replayed[i].Payload);
            replayed[i].Timestamp.Should().Be(written[i].Timestamp);
            replayed[i].Tags.Should().Equal(written[i].Tags);
        }
    }

    [Fact]
    public async Task Replay_honours_the_sequence_range_and_the_maximum_count()
    {
        var pid = TestSerializer.NewPersistenceId();
        await Journal.WriteAsync(TestSerializer.Events(pid, 1, 5));
        await Journal.WriteAsync(TestSerializer.Events(pid, 6, 10));

        Seqs(await ReplayAsync(pid, 3, 7)).Should().Equal(3, 4, 5, 6, 7);
        Seqs(await ReplayAsync(pid, 3, 7, max: 2)).Should().Equal(3, 4);
        Seqs(await ReplayAsync(pid, 9)).Should().Equal(9, 10);
        Seqs(await ReplayAsync(pid, 1, 10, max: 0)).Should().BeEmpty();
        Seqs(await ReplayAsync(pid, 11)).Should().BeEmpty();
        Seqs(await ReplayAsync(pid, 7, 3)).Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_id_has_no_events_and_highest_sequence_nr_zero()
    {
        var pid = TestSerializer.NewPersistenceId("unknown");
        (await ReplayAsync(pid)).Should().BeEmpty();
        (await Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(0);
    }

    [Fact]
    public async Task Highest_sequence_nr_is_the_last_one_written()
    {
        var pid = TestSerializer.NewPersistenceId();
        await Journal.WriteAsync(TestSerializer.Events(pid, 1, 1));
        (await Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(1);
        await Journal.WriteAsync(TestSerializer.Events(pid, 2, 7));
        (await Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(7);
    }

    [Fact]
    public async Task A_batch_with_a_taken_sequence_nr_fails_and_writes_none_of_its_events()
    {
        var pid = TestSerializer.NewPersistenceId();
        await Journal.WriteAsync(TestSerializer.Events(pid, 1, 3));
        await Journal.WriteAsync(TestSerializer.Events(pid, 5, 5)); // another writer got ahead

        // 4 is free, 5 is taken: the batch must not leave 4 behind.
        var conflicting = () => Journal.WriteAsync(TestSerializer.Events(pid, 4, 6));

        var error = (await conflicting.Should().ThrowAsync<ConcurrentWriteException>()).Which;
        error.PersistenceId.Should().Be(pid);
        error.Message.Should().Contain(pid).And.Contain("another writer");
        Seqs(await ReplayAsync(pid)).Should().Equal(1, 2, 3, 5);
        (await Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(5);

        await Journal.WriteAsync(TestSerializer.Events(pid, 6, 7));
        Seqs(await ReplayAsync(pid)).Should().Equal(1, 2, 3, 5, 6, 7);
    }

    [Fact]
    public async Task A_write_mixing_persistence_ids_or_skipping_numbers_is_refused()
    {
        var a = TestSerializer.NewPersistenceId("a");
        var mixed = TestSerializer.Events(a, 1, 2).Append(TestSerializer.Events(TestSerializer.NewPersistenceId("b"), 3, 3)[0]).ToList();
        await FluentActions.Awaiting(() => Journal.WriteAsync(mixed)).Should().ThrowAsync<ArgumentException>().WithMessage("*one persistence id*");
        var gap = TestSerializer.Events(a, 1, 1).Concat(TestSerializer.Events(a, 3, 3)).ToList();
        await FluentActions.Awaiting(() => Journal.WriteAsync(gap)).Should().ThrowAsync<ArgumentException>().WithMessage("*consecutive*");
        (await ReplayAsync(a)).Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_to_removes_the_events_but_keeps_the_highest_sequence_nr()
    {
        var pid = TestSerializer.NewPersistenceId();
        await Journal.WriteAsync(TestSerializer.Events(pid, 1, 5));

        await Journal.DeleteMessagesToAsync(pid, 3);
        Seqs(await ReplayAsync(pid)).Should().Equal(4, 5);
        (await Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(5);

        await Journal.DeleteMessagesToAsync(pid, long.MaxValue);
        (await ReplayAsync(pid)).Should().BeEmpty();
        (await Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(5);

        await Journal.WriteAsync(TestSerializer.Events(pid, 6, 6));
        Seqs(await ReplayAsync(pid)).Should().Equal(6);
    }

    [Fact]
    public async Task Persistence_ids_lists_every_id_that_wrote_also_after_its_events_were_deleted()
    {
        var ids = Enumerable.Range(0, 3).Select(i => TestSerializer.NewPersistenceId($"ids{i}")).ToList();
        foreach (var id in ids) await Journal.WriteAsync(TestSerializer.Events(id, 1, 2));
        await Journal.DeleteMessagesToAsync(ids[0], long.MaxValue);

        var listed = new List<string>();
        await foreach (var id in Journal.PersistenceIdsAsync()) listed.Add(id);

        listed.Should().Contain(ids).And.OnlyHaveUniqueItems();
        listed.Should().NotContain(TestSerializer.NewPersistenceId("never"));
    }

    [Fact]
    public async Task Concurrent_writers_of_different_ids_all_succeed()
    {
        var ids = Enumerable.Range(0, 50).Select(i => TestSerializer.NewPersistenceId($"c{i}")).ToList();
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var seq = 1; seq <= 10; seq++) await Journal.WriteAsync(TestSerializer.Events(id, seq, seq));
        }));
        foreach (var id in ids) Seqs(await ReplayAsync(id)).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
    }

    [Fact]
    public async Task A_conflicting_write_among_concurrent_writes_fails_alone()
    {
        var taken = TestSerializer.NewPersistenceId("taken");
        await Journal.WriteAsync(TestSerializer.Events(taken, 1, 1));
        var ok = Enumerable.Range(0, 20).Select(i => TestSerializer.NewPersistenceId($"ok{i}")).ToList();

        // Queued together, these typically share one group commit.
        var writes = ok.Select(id => Journal.WriteAsync(TestSerializer.Events(id, 1, 2))).ToList();
        var conflict = Journal.WriteAsync(TestSerializer.Events(taken, 1, 2));
        writes.AddRange(ok.Select(id => Journal.WriteAsync(TestSerializer.Events(id, 3, 3))));

        await FluentActions.Awaiting(() => conflict).Should().ThrowAsync<ConcurrentWriteException>();
        await Task.WhenAll(writes);
        foreach (var id in ok) Seqs(await ReplayAsync(id)).Should().Equal(1, 2, 3);
        Seqs(await ReplayAsync(taken)).Should().Equal(1);
    }

    [Fact]
    public async Task Of_two_writers_racing_for_the_same_sequence_nrs_exactly_one_wins()
    {
        var pid = TestSerializer.NewPersistenceId();
        var first = TestSerializer.Events(pid, 1, 3);
        var second = TestSerializer.Events(pid, 1, 2).Select(e => e with { Payload = "{\"value\":100}" }).ToList();

        var results = await Task.WhenAll(Outcome(Journal.WriteAsync(first)), Outcome(Journal.WriteAsync(second)));

        results.Count(r => r is null).Should().Be(1, "one writer succeeds");
        results.Single(r => r is not null).Should().BeOfType<ConcurrentWriteException>();
        var stored = await ReplayAsync(pid);
        var winner = results[0] is null ? first : second;
        Seqs(stored).Should().Equal(Seqs(winner));
        stored.Select(e => JsonNode.Parse(e.Payload)!["value"]!.GetValue<int>()).Should().Equal(winner.Select(e => JsonNode.Parse(e.Payload)!["value"]!.GetValue<int>()));

        static async Task<Exception?> Outcome(Task write)
        {
            try
            {
                await write;
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }
    }
}
