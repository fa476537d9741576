using Microsoft.Data.Sqlite;

namespace LlmSpell.Actors.Persistence.Sqlite;

// The single writer: a loop over a channel; each turn commits every queued operation in one transaction.
public sealed partial class SqliteStore
{
    private WriterContext? _context;
    private long _transactions;

    /// <summary>Group transactions committed so far (to observe group commit).</summary>
    internal long TransactionCount => Interlocked.Read(ref _transactions);

    /// <summary>Queues <paramref name="work"/> for the writer; it runs inside a savepoint of the next group transaction.</summary>
    internal Task<T> Enqueue<T>(Func<WriterContext, T> work, int weight, bool readOnly, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        var op = new WriterOp<T>(work, weight, readOnly, cancellationToken);
        if (!_queue.Writer.TryWrite(op))
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteStore), $"The SQLite store {DatabasePath} is closed."));
        return op.Completion.Task;
    }

    private async Task RunWriterAsync()
    {
        _context = new WriterContext(_writer);
        var reader = _queue.Reader;
        var group = new List<WriterOp>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var events = 0;
            while (events < Options.MaxEventsPerTransaction && reader.TryRead(out var op))
            {
                if (op.Token.IsCancellationRequested) op.Fail(new OperationCanceledException(op.Token));
                else
                {
                    group.Add(op);
                    events += op.Weight;
                }
            }
            if (group.Count == 0) continue;
            ExecuteGroup(_context, group);
            group.Clear();
        }
    }

    private void ExecuteGroup(WriterContext context, List<WriterOp> group)
    {
        var writes = group.Exists(op => !op.ReadOnly);
        try
        {
            context.Execute(writes ? "BEGIN IMMEDIATE" : "BEGIN");
            if (writes) context.LoadOrdering();
            foreach (var op in group)
            {
                if (op.ReadOnly)
                {
                    try
                    {
                        op.Run(context);
                    }
                    catch (Exception ex) when (ex is SqliteException or PersistenceException or ArgumentException)
                    {
                        op.Error = ex;
                    }
                    continue;
                }
                context.Execute("SAVEPOINT op");
                try
                {
                    op.Run(context);
                    context.Execute("RELEASE op");
                }
                catch (Exception ex) when (ex is SqliteException or PersistenceException or ArgumentException)
                {
                    // Only this operation is undone; the others in the group still commit.
                    context.Execute("ROLLBACK TO op");
                    context.Execute("RELEASE op");
                    op.Error = ex;
                }
            }
            if (writes) context.SaveOrdering();
            context.Execute("COMMIT");
            Interlocked.Increment(ref _transactions);
        }
        catch (Exception ex)
        {
            try
            {
                context.Execute("ROLLBACK");
            }
            catch (SqliteException)
            {
                // no transaction was open
            }
            var failure = new PersistenceStoreException($"The SQLite transaction on {DatabasePath} failed: {ex.Message}", ex);
            foreach (var op in group) op.Fail(op.Error ?? failure);
            return;
        }
        foreach (var op in group)
        {
            if (op.Error is { } error) op.Fail(error);
            else op.Succeed();
        }
    }

    internal abstract class WriterOp(int weight, bool readOnly, CancellationToken token)
    {
        public int Weight { get; } = weight;
        public bool ReadOnly { get; } = readOnly;
        public CancellationToken Token { get; } = token;
        public Exception? Error { get; set; }

        public abstract void Run(WriterContext context);
        public abstract void Succeed();
        public abstract void Fail(Exception error);
    }

    private sealed class WriterOp<T>(Func<WriterContext, T> work, int weight, bool readOnly, CancellationToken token) : WriterOp(weight, readOnly, token)
    {
        private T? _result;

        // Completions continue elsewhere: the writer thread never runs an actor's code.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(WriterContext context) => _result = work(context);

        public override void Succeed() => Completion.TrySetResult(_result!);

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }

    /// <summary>The writer connection with its prepared statements and the global ordering counter.</summary>
    internal sealed class WriterContext(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
        private long _savedOrdering;

        /// <summary>The last ordering number handed out in this transaction.</summary>
        public long Ordering { get; set; }

        /// <summary>A prepared command for <paramref name="sql"/>, with its parameters in the order named; reused across calls.</summary>
        public SqliteCommand Command(string sql, params string[] parameterNames)
        {
            if (_commands.TryGetValue(sql, out var command)) return command;
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameterNames) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            command.Prepare();
            _commands[sql] = command;
            return command;
        }

        public void Execute(string sql) => Command(sql).ExecuteNonQuery();

        public void LoadOrdering()
        {
            var read = Command("SELECT value FROM counters WHERE name = 'journal_ordering'");
            _savedOrdering = Ordering = (long)read.ExecuteScalar()!;
        }

        public void SaveOrdering()
        {
            if (Ordering == _savedOrdering) return;
            var update = Command("UPDATE counters SET value = $v WHERE name = 'journal_ordering'", "$v");
            update.Parameters[0].Value = Ordering;
            update.ExecuteNonQuery();
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values) command.Dispose();
            _commands.Clear();
        }
    }
}
