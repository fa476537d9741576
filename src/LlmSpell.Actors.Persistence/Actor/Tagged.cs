namespace LlmSpell.Actors.Persistence;

/// <summary>
/// Wraps an event to store it with tags: <c>Persist(new Tagged(evt, ["workflow"]), …)</c>. The journal
/// stores <see cref="Payload"/> with <see cref="Tags"/>; the persist handler receives the Tagged, recovery the bare payload.
/// </summary>
public sealed record Tagged(object Payload, IReadOnlyList<string> Tags);
