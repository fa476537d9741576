using Akka.Actor;
using Akka.Persistence;

namespace LlmSpell.Workflows.Durability;

/// <summary>The run journal's start, which Akka.Persistence makes only when a run or a read first needs it.</summary>
internal static class RunJournal
{
    private const string StartProbeId = "llmspell-journal-start";

    /// <summary>
    /// A replay of nothing (the highest sequence number of an id no run has): the write journal holds every request until it has
    /// started, so its answer says it has.
    /// </summary>
    internal static ReplayMessages StartProbe(IActorRef replyTo) => new(0, 0, 0, StartProbeId, replyTo);

    /// <summary>
    /// Starts the journal and the snapshot store of <paramref name="system"/> now, without waiting: its first run, made meanwhile,
    /// finds them ready (their start is most of a short run's time in a cold process). Whether they work, the run's own requests
    /// find out.
    /// </summary>
    public static void Start(ActorSystem system)
    {
        var persistence = Persistence.Instance.Apply(system);
        _ = persistence.JournalFor(null);
        _ = persistence.SnapshotStoreFor(null);
    }
}
