namespace LlmSpell.Actors;

/// <summary>A ref to an actor in this process; one object per incarnation.</summary>
public sealed class LocalActorRef : ActorRefBase, IInternalActorRef
{
    internal LocalActorRef(ActorPath path) : base(path) { }

    internal ActorSystem System => Cell.System;
    internal ActorCell Cell { get; set; } = null!;

    public bool IsTerminated => Cell.Mailbox.IsClosed;

    public override void Tell(object message, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(new Envelope(message, sender ?? ActorRefs.NoSender));
    }

    public void SendSystemMessage(SystemMessage message) => Cell.Mailbox.PostSystem(message);

    public void Stop() => Cell.Mailbox.PostSystem(new Terminate());

    internal int NumberOfMessages => Cell.Mailbox.NumberOfMessages;
    internal bool IsProcessing => Cell.Mailbox.IsScheduled;

    /// <summary>Not taking user messages now: failed, suspended, or awaiting an async handler (racy snapshot).</summary>
    internal bool IsSuspended => !Cell.CanProcessUserMessages;
}
