namespace LlmSpell.Actors.Scheduling;

/// <summary>A scheduled action that can be cancelled.</summary>
public interface ICancelable
{
    /// <summary>Cancels it; a no-op once it has fired (for a once-off) or was cancelled.</summary>
    void Cancel();

    bool IsCancellationRequested { get; }
}
