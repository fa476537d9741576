namespace LlmSpell.Actors.Persistence;

/// <summary>Delivered to the recovery handlers after the snapshot and every event were replayed, before any command.</summary>
public sealed class RecoveryCompleted
{
    public static readonly RecoveryCompleted Instance = new();

    private RecoveryCompleted() { }

    public override string ToString() => "RecoveryCompleted";
}
