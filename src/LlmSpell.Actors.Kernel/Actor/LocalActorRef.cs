using LlmSpell.Actors.Dispatch;

namespace LlmSpell.Actors;

/// <summary>A ref to an actor in this process; one object per incarnation.</summary>
public sealed class LocalActorRef : ActorRefBase, IInternalActorRef
{
    private readonly Mailbox _mailbox;

    internal LocalActorRef(ActorSystem system, ActorPath path, Mailbox mailbox) : base(path)
    {
        System = system;
        _mailbox = mailbox;
    }

    internal ActorSystem System { get; }
    internal ActorCell Cell { get; set; } = null!;

    public bool IsTerminated => _mailbox.IsClosed;

    public override void Tell(object message, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        _mailbox.Post(new Envelope(message, sender ?? ActorRefs.NoSender));
    }

    public void SendSystemMessage(SystemMessage message) => _mailbox.PostSystem(message);

    public void Stop() => _mailbox.PostSystem(new Terminate());

    internal int NumberOfMessages => _mailbox.NumberOfMessages;
    internal bool IsProcessing => _mailbox.IsScheduled;

    /// <summary>Not taking user messages now: failed, suspended, or awaiting an async handler (racy snapshot).</summary>
    internal bool IsSuspended => !Cell.CanProcessUserMessages;
}
