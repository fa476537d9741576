using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Cluster.Tests.Messaging;

[Collection(PostgresCollection.Name)]
public sealed class ClusterInboxSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private MessagingHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MessagingHarness.StartAsync(postgres, nameof(ClusterInboxSpec));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_message_sent_twice_with_the_same_id_is_handled_once()
    {
        var me = _cluster.Name("node");
        var handled = new Recorder();
        await using var receiver = Receiver(me, handled.HandleAsync);
        await receiver.StartAsync();
        var id = Guid.NewGuid();

        (await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "ping", new JsonObject { ["n"] = 1 }, null, id)).Should().BeTrue();
        (await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "ping", new JsonObject { ["n"] = 2 }, null, id)).Should().BeFalse("the id was sent before");
        await handled.Seen(id);
        // Messages to one receiver are taken in order: once a later one is handled, a duplicate would have been too.
        var marker = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "marker", new JsonObject(), null, marker);
        await handled.Seen(marker);

        handled.Count(id).Should().Be(1);
        handled.Payloads(id).Single()["n"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_message_a_receiver_died_on_before_marking_it_is_handled_by_the_next_receiver_once()
    {
        var me = _cluster.Name("node");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Receiver(me, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        await first.StartAsync();
        var id = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "work", new JsonObject(), null, id);
        await started.Task.WaitAsync(MessagingHarness.Limit);
        await first.DisposeAsync();
        (await DeliveredAtAsync(id)).Should().BeNull("the handler never finished");

        var handled = new Recorder();
        await using var second = Receiver(me, handled.HandleAsync);
        await second.StartAsync();
        await handled.Seen(id);
        var marker = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "marker", new JsonObject(), null, marker);
        await handled.Seen(marker);

        handled.Count(id).Should().Be(1);
        (await DeliveredAtAsync(id)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_runs_messages_go_to_the_node_holding_its_lease_and_follow_the_lease_when_it_moves()
    {
        var (a, b) = (_cluster.Name("a"), _cluster.Name("b"));
        var runId = _cluster.Name("run");
        await _cluster.LeaseAsync(runId, a);
        var atA = new Recorder();
        var atB = new Recorder();
        await using var receiverA = Receiver(a, atA.HandleAsync, ownsRuns: true);
        await using var receiverB = Receiver(b, atB.HandleAsync, ownsRuns: true);
        await receiverA.StartAsync();
        await receiverB.StartAsync();

        var first = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Run(runId), "status", new JsonObject(), null, first);
        await atA.Seen(first);
        var markerB = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Node(b), "marker", new JsonObject(), null, markerB);
        await atB.Seen(markerB);
        atB.Count(first).Should().Be(0, "b does not hold the run's lease");

        // Handled is not yet delivered: a receiver stopped before its commit leaves the message for the next owner.
        await _cluster.WaitDeliveredAsync(first);
        await receiverA.DisposeAsync();
        var second = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Run(runId), "status", new JsonObject(), null, second);
        await _cluster.LeaseAsync(runId, b);
        receiverB.Wake();
        await atB.Seen(second);

        atA.Count(second).Should().Be(0);
        atB.Count(first).Should().Be(0);
    }

    [Fact]
    public async Task A_notification_wakes_the_receiver_without_waiting_for_the_safety_sweep()
    {
        var me = _cluster.Name("node");
        var handled = new Recorder();
        await using var receiver = Receiver(me, handled.HandleAsync, options: InboxOptions.Default.WithSafetySweep(TimeSpan.FromHours(1)));
        await receiver.StartAsync();

        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
        {
            await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "ping", new JsonObject(), null, id);
            await handled.Seen(id);
        }

        receiver.Sweeps.Should().Be(0);
    }

    [Fact]
    public async Task A_receiver_whose_listening_connection_was_killed_listens_again_and_takes_what_was_sent_meanwhile()
    {
        var me = _cluster.Name("node");
        var handled = new Recorder();
        await using var receiver = Receiver(me, handled.HandleAsync, options: InboxOptions.Default.WithSafetySweep(TimeSpan.FromHours(1)));
        await receiver.StartAsync();
        var channel = ClusterChannels.InboxOf(_cluster.Schema);

        var pid = await _cluster.ScalarAsync<int?>("SELECT pid FROM pg_stat_activity WHERE query = $1", $"LISTEN \"{channel}\"");
        pid.Should().NotBeNull("the receiver's LISTEN connection is found by its last statement");
        (await _cluster.ScalarAsync<bool>("SELECT pg_terminate_backend($1)", pid!.Value)).Should().BeTrue();
        // Sent once that connection is gone, so its notification reaches no one.
        var until = DateTime.UtcNow + MessagingHarness.Limit;
        while (await _cluster.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid.Value) > 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"backend {pid} did not end");
            await Task.Delay(10);
        }
        var id = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "ping", new JsonObject(), null, id);

        await handled.Seen(id);
        receiver.Sweeps.Should().Be(0, "the reconnect took it, not the safety sweep");
    }

    [Fact]
    public async Task A_handler_that_throws_leaves_its_message_pending_and_the_receiver_goes_on_with_the_next()
    {
        var me = _cluster.Name("node");
        var handled = new Recorder();
        var poison = Guid.NewGuid();
        await using var receiver = Receiver(me, (delivery, ct) => delivery.Message.MessageId == poison
            ? throw new InvalidOperationException("cannot handle this one")
            : handled.HandleAsync(delivery, ct));
        await receiver.StartAsync();

        await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "bad", new JsonObject(), null, poison);
        var next = Guid.NewGuid();
        await _cluster.Inbox.SendAsync(InboxTarget.Node(me), "good", new JsonObject(), null, next);
        await handled.Seen(next);

        (await DeliveredAtAsync(poison)).Should().BeNull();
    }

    private InboxReceiver Receiver(string name, Func<InboxDelivery, CancellationToken, Task> handler, bool ownsRuns = false, InboxOptions? options = null) =>
        new(_cluster.DataSource, _cluster.Schema, name, ownsRuns, handler, options);

    private Task<DateTime?> DeliveredAtAsync(Guid id) =>
        _cluster.ScalarAsync<DateTime?>($"SELECT delivered_at FROM {_cluster.Schema}.cluster_inbox WHERE message_id = $1", id);

    /// <summary>Records handled messages; a test awaits a message id.</summary>
    private sealed class Recorder
    {
        private readonly ConcurrentQueue<InboxMessage> _handled = new();
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _seen = new();

        public Task HandleAsync(InboxDelivery delivery, CancellationToken cancellationToken)
        {
            _handled.Enqueue(delivery.Message);
            Source(delivery.Message.MessageId).TrySetResult();
            return Task.CompletedTask;
        }

        public Task Seen(Guid id) => Source(id).Task.WaitAsync(MessagingHarness.Limit);

        public int Count(Guid id) => _handled.Count(m => m.MessageId == id);

        public IReadOnlyList<JsonNode> Payloads(Guid id) => _handled.Where(m => m.MessageId == id).Select(m => m.Payload).ToArray();

        private TaskCompletionSource Source(Guid id) => _seen.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
