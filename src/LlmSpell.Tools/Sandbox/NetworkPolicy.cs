using System.Net;
using System.Net.Sockets;

namespace LlmSpell.Tools.Sandbox;

/// <summary>Which hosts and addresses network tools may reach, from <see cref="ToolsOptions"/>.</summary>
public sealed class NetworkPolicy(ToolsOptions options)
{
    /// <summary>True when the host name (or IP literal) is in <see cref="ToolsOptions.AllowedHosts"/>, or that list is empty.</summary>
    /// <remarks><c>*.example.com</c> matches sub-domains of example.com, not example.com itself.</remarks>
    public bool IsHostAllowed(string host)
    {
        if (options.AllowedHosts.Count == 0) return true;
        var name = Normalize(host);
        foreach (var entry in options.AllowedHosts)
        {
            var allowed = Normalize(entry);
            if (allowed.StartsWith("*.", StringComparison.Ordinal))
            {
                if (name.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase) && name.Length > allowed.Length - 1) return true;
            }
            else if (string.Equals(name, allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Null when the address may be connected to, else why not (with the option that would allow it).</summary>
    public string? WhyRefused(IPAddress address) => Classify(address) switch
    {
        AddressScope.Public => null,
        AddressScope.Loopback when options.AllowLoopback => null,
        AddressScope.Private or AddressScope.LinkLocal when options.AllowPrivateNetworks => null,
        AddressScope.Loopback => $"{address} is a loopback address (this machine); set ToolsOptions.AllowLoopback to allow it",
        AddressScope.Private => $"{address} is a private-network address; set ToolsOptions.AllowPrivateNetworks to allow it",
        AddressScope.LinkLocal => $"{address} is a link-local address; set ToolsOptions.AllowPrivateNetworks to allow it",
        _ => $"{address} is a multicast, broadcast or reserved address, which tools never reach",
    };

    /// <summary>Where an address leads; IPv4 embedded in IPv6 (mapped, NAT64, 6to4, compatible) is judged as that IPv4 address.</summary>
    public static AddressScope Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return ClassifyV4(address.MapToIPv4().GetAddressBytes());
        if (address.AddressFamily == AddressFamily.InterNetwork) return ClassifyV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return AddressScope.Reserved;

        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6Any)) return AddressScope.Loopback;
        if (b[0] == 0xff) return AddressScope.Reserved; // multicast
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressScope.LinkLocal; // fe80::/10
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressScope.Private; // fec0::/10 site-local
        if ((b[0] & 0xfe) == 0xfc) return AddressScope.Private; // fc00::/7 unique local
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return ClassifyV4(b[12..]); // 64:ff9b::/96 NAT64
        if (b[0] == 0x20 && b[1] == 0x02) return ClassifyV4(b[2..6]); // 2002::/16 6to4
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return ClassifyV4(b[12..]); // ::a.b.c.d (deprecated IPv4-compatible)
        return AddressScope.Public;
    }

    private static AddressScope ClassifyV4(byte[] b) => b switch
    {
        [0, ..] or [127, ..] => AddressScope.Loopback,
        [10, ..] => AddressScope.Private,
        [172, var x, ..] when x is >= 16 and <= 31 => AddressScope.Private,
        [192, 168, ..] => AddressScope.Private,
        [100, var x, ..] when x is >= 64 and <= 127 => AddressScope.Private,
        [198, 18 or 19, ..] => AddressScope.Private,
        [192, 0, 0, _] => AddressScope.Private,
        [169, 254, ..] => AddressScope.LinkLocal,
        [>= 224, ..] => AddressScope.Reserved, // multicast 224/4, reserved 240/4, broadcast
        _ => AddressScope.Public,
    };

    private static string Normalize(string host) => host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.').ToLowerInvariant();
}
