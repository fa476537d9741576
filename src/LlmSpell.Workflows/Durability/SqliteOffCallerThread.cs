using System.Data.Common;
using LinqToDB.Interceptors;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Moves every SQLite operation of the journal off the thread that asked for it. Microsoft.Data.Sqlite has no asynchronous I/O: its
/// async calls run to completion, fsync included, before they return. Akka.Persistence.Sql writes from a stream stage that gathers
/// the events arriving while a write is in flight into the next batch — but a write that completes synchronously holds that stage,
/// so nothing ever gathers and every event became its own transaction and fsync (2,600 events/s from 100 runs at once, one fsync
/// each). Yielding before the connection opens returns an incomplete task to the stage, which batches while the write runs.
/// </summary>
internal sealed class SqliteOffCallerThread : ConnectionInterceptor
{
    public static readonly SqliteOffCallerThread Instance = new();

    public override async Task ConnectionOpeningAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken) =>
        await Task.Yield();
}
