namespace LlmSpell.Actors;

// Unstashed messages wait in a consumer-side queue that the mailbox reads before its own.
public sealed partial class ActorCell
{
    private LinkedList<Envelope>? _unstashed;

    internal bool HasUnstashed => _unstashed is { Count: > 0 };

    internal void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        _unstashed ??= new LinkedList<Envelope>();
        for (var i = envelopes.Count - 1; i >= 0; i--) _unstashed.AddFirst(envelopes[i]);
    }

    internal bool TryTakeStashed(out Envelope envelope)
    {
        if (_unstashed is { Count: > 0 })
        {
            envelope = _unstashed.First!.Value;
            _unstashed.RemoveFirst();
            return true;
        }
        envelope = default;
        return false;
    }
}
