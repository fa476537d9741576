namespace LlmSpell.Actors.Persistence;

/// <summary>Sent to the actor when <c>DeleteMessages</c> removed its events up to <see cref="ToSequenceNr"/>.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);

/// <summary>Sent to the actor when <c>DeleteMessages</c> failed; the actor keeps running.</summary>
public sealed record DeleteMessagesFailure(Exception Cause, long ToSequenceNr);
