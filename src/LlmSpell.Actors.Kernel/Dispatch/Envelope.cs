namespace LlmSpell.Actors;

/// <summary>A user message and its sender, as queued in a mailbox.</summary>
public readonly struct Envelope(object message, IActorRef sender)
{
    public object Message { get; } = message;
    public IActorRef Sender { get; } = sender;
    public override string ToString() => $"<{Message}> from {Sender}";
}
