namespace LlmSpell.Actors.Event;

/// <summary>A message that could not be delivered (its recipient had stopped or never existed).</summary>
public sealed record DeadLetter(object Message, IActorRef Sender, IActorRef Recipient);

/// <summary>A message that no behaviour of its recipient handled.</summary>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);
