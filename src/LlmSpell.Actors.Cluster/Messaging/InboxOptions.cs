namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>Options of an <see cref="InboxReceiver"/>; every default lives here.</summary>
public sealed record InboxOptions
{
    public static readonly InboxOptions Default = new();

    /// <summary>
    /// Receivers wake on NOTIFY; this slow sweep only catches a notification lost with a dropped connection, and runs
    /// that moved to this node without a wake-up.
    /// </summary>
    public TimeSpan SafetySweep { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long delivered messages are kept: a message id sent again within this time is recognised and dropped.</summary>
    public TimeSpan RetainDelivered { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Wait before listening again after the listening connection failed.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public InboxOptions WithSafetySweep(TimeSpan sweep) =>
        sweep > TimeSpan.Zero ? this with { SafetySweep = sweep } : throw new ArgumentOutOfRangeException(nameof(sweep), sweep, "must be positive");

    public InboxOptions WithRetainDelivered(TimeSpan retain) =>
        retain > TimeSpan.Zero ? this with { RetainDelivered = retain } : throw new ArgumentOutOfRangeException(nameof(retain), retain, "must be positive");
}
