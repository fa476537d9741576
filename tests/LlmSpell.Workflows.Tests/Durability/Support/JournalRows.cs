using Akka.Actor;
using Akka.Persistence;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Runs;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>Writes journals the way a run would (or the way no run would), for recovery specs.</summary>
internal static class JournalRows
{
    /// <summary>Persists <paramref name="events"/> under <paramref name="persistenceId"/> through the real journal and serializer, tagged as a run tags them; then terminates <paramref name="system"/>.</summary>
    public static async Task PersistAsync(ActorSystem system, string persistenceId, IEnumerable<WorkflowEvent> events)
    {
        var done = new TaskCompletionSource();
        system.ActorOf(Props.Create(() => new Seeder(persistenceId, events.ToArray(), done)));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await system.Terminate();
    }

    /// <summary>Appends a row no version of llmspell writes (an unknown manifest) after the run's last event, straight into the SQLite journal.</summary>
    public static async Task AppendForeignAsync(RunStoreOptions store, string persistenceId, string manifest)
    {
        await using var connection = new SqliteConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO journal (deleted, persistence_id, sequence_number, created, message, identifier, manifest, writer_uuid)
            SELECT 0, $id, max(sequence_number) + 1, 0, x'7b7d', $serializer, $manifest, 'foreign' FROM journal WHERE persistence_id = $id
            """;
        command.Parameters.AddWithValue("$id", persistenceId);
        command.Parameters.AddWithValue("$serializer", WorkflowSerializer.Id);
        command.Parameters.AddWithValue("$manifest", manifest);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
    }

    private sealed class Seeder : PersistentActor
    {
        private readonly string _persistenceId;
        private readonly WorkflowEvent[] _events;
        private readonly TaskCompletionSource _done;

        public Seeder(string persistenceId, WorkflowEvent[] events, TaskCompletionSource done)
        {
            _persistenceId = persistenceId;
            _events = events;
            _done = done;
        }

        public override string PersistenceId => _persistenceId;

        protected override bool ReceiveRecover(object message)
        {
            if (message is RecoveryCompleted)
            {
                var left = _events.Length;
                PersistAll(_events.Select(DurableRun.Tag), _ =>
                {
                    if (--left == 0) _done.TrySetResult();
                });
            }
            return true;
        }

        protected override bool ReceiveCommand(object message) => false;

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) => _done.TrySetException(cause);
    }
}
