namespace LlmSpell.Actors.Persistence;

// Two stashes, as in Akka: the internal one holds commands that arrive while a Persist is written and
// gives them back one at a time (so a command that persists again keeps the rest waiting, in order);
// the user's (Stash) hands its messages to the front of the internal one.
public abstract partial class PersistentActor
{
    private readonly LinkedList<Envelope> _internalStash = new();
    private readonly UserStash _userStash;
    private readonly KernelStashView _kernelStashView;
    private object? _unstashedInFlight; // the message given back to the mailbox and not yet seen again

    /// <summary>The actor's own stash: <c>Stash.Stash()</c> sets the current command aside, <c>Stash.UnstashAll()</c> brings them back in order.</summary>
    protected IStash Stash => _userStash;

    // The kernel restarts (UnstashAll) and stops (ClearStash → dead letters) through this view of both stashes.
    IStash IWithStash.Stash
    {
        get => _kernelStashView;
        set { /* the stashes are this actor's own */ }
    }

    private void UnstashNextIfIdle()
    {
        if (_pendingStashingInvocations > 0 || _unstashedInFlight is not null || _internalStash.First is not { } first) return;
        _internalStash.RemoveFirst();
        _unstashedInFlight = first.Value.Message;
        _cell.Prepend([first.Value]);
    }

    private sealed class UserStash(PersistentActor owner) : IStash
    {
        private readonly List<Envelope> _stashed = [];

        public void Stash()
        {
            var current = owner._cell.CurrentEnvelope;
            if (current.Message is null) throw new InvalidOperationException("There is no message to stash (Stash is only valid while handling a command).");
            if (_stashed.Count > 0 && ReferenceEquals(_stashed[^1].Message, current.Message))
                throw new InvalidOperationException($"The message [{current.Message}] is already stashed; a message can be stashed once.");
            _stashed.Add(current);
        }

        public void Unstash()
        {
            if (_stashed.Count == 0) return;
            owner._internalStash.AddFirst(_stashed[0]);
            _stashed.RemoveAt(0);
        }

        public void UnstashAll()
        {
            for (var i = _stashed.Count - 1; i >= 0; i--) owner._internalStash.AddFirst(_stashed[i]);
            _stashed.Clear();
        }

        public IReadOnlyList<Envelope> ClearStash()
        {
            var all = _stashed.ToArray();
            _stashed.Clear();
            return all;
        }
    }

    private sealed class KernelStashView(PersistentActor owner) : IStash
    {
        public void Stash() => owner._userStash.Stash();

        public void Unstash() => owner._userStash.Unstash();

        public void UnstashAll()
        {
            // Akka's order on restart: the user's stash ahead of the internal one, both ahead of the mailbox.
            owner._userStash.UnstashAll();
            if (owner._internalStash.Count == 0) return;
            owner._cell.Prepend([.. owner._internalStash]);
            owner._internalStash.Clear();
        }

        public IReadOnlyList<Envelope> ClearStash()
        {
            var all = owner._userStash.ClearStash().Concat(owner._internalStash).ToArray();
            owner._internalStash.Clear();
            return all;
        }
    }
}
