namespace LlmSpell.Tools.Sandbox;

/// <summary>Where an IP address leads, for deciding whether a tool may connect to it.</summary>
public enum AddressScope
{
    /// <summary>A public internet address.</summary>
    Public,

    /// <summary>This machine: 127/8, ::1, and the unspecified 0.0.0.0/8 and :: (which reach it too).</summary>
    Loopback,

    /// <summary>Private networks: 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), 198.18/15, fc00::/7, fec0::/10.</summary>
    Private,

    /// <summary>Link-local: 169.254/16 (cloud metadata services live here), fe80::/10.</summary>
    LinkLocal,

    /// <summary>Multicast, broadcast and reserved ranges: never a tool's target.</summary>
    Reserved,
}
