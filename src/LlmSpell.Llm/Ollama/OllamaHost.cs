using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LlmSpell.Llm.Ollama;

/// <summary>Where Ollama listens: <c>OLLAMA_HOST</c> read the way Ollama's own clients read it.</summary>
public static class OllamaHost
{
    public const string EnvironmentVariable = "OLLAMA_HOST";
    public const int DefaultPort = 11434;
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:11434/");

    /// <summary>The configured URL if any, else <c>OLLAMA_HOST</c> if set, else <see cref="DefaultUrl"/>.</summary>
    public static Uri Resolve(Uri? configured, Func<string, string?>? environment = null)
    {
        if (configured is not null) return configured;
        var value = (environment ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? DefaultUrl : Parse(value);
    }

    /// <summary>
    /// Parses <c>[scheme://]host[:port][/path]</c>: no scheme means http and port 11434; an explicit <c>http://</c> or
    /// <c>https://</c> without a port means 80 or 443 (as Ollama's Go and Python clients do); a bad port falls back to the
    /// default. Quotes and spaces around the value are ignored. The wildcard addresses a server binds to
    /// (<c>0.0.0.0</c>, <c>::</c>) are reached at the loopback address.
    /// </summary>
    public static Uri Parse(string? value)
    {
        var s = (value ?? "").Trim().Trim('"', '\'').Trim();
        var scheme = "http";
        var defaultPort = DefaultPort.ToString(CultureInfo.InvariantCulture);
        var hostport = s;
        var sep = s.IndexOf("://", StringComparison.Ordinal);
        if (sep >= 0)
        {
            scheme = s[..sep].ToLowerInvariant();
            hostport = s[(sep + 3)..];
            defaultPort = scheme switch
            {
                "http" => "80",
                "https" => "443",
                _ => throw new FormatException($"{EnvironmentVariable} '{value}' has scheme '{scheme}'; use http:// or https:// (or none), e.g. '127.0.0.1:11434'."),
            };
        }

        var path = "";
        var slash = hostport.IndexOf('/');
        if (slash >= 0)
        {
            path = hostport[slash..].TrimEnd('/');
            hostport = hostport[..slash];
        }

        if (!TrySplitHostPort(hostport, out var host, out var port))
        {
            port = defaultPort;
            var bare = hostport.Trim('[', ']');
            host = IPAddress.TryParse(bare, out var ip) ? ip.ToString() : hostport.Length > 0 ? hostport : "127.0.0.1";
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber > 65535)
            portNumber = int.Parse(defaultPort, CultureInfo.InvariantCulture);

        if (IPAddress.TryParse(host, out var address))
        {
            if (address.Equals(IPAddress.Any)) address = IPAddress.Loopback;
            else if (address.Equals(IPAddress.IPv6Any)) address = IPAddress.IPv6Loopback;
            host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        }
        return new Uri($"{scheme}://{host}:{portNumber.ToString(CultureInfo.InvariantCulture)}{path}/", UriKind.Absolute);
    }

    // Go's net.SplitHostPort: "host:port" or "[v6]:port"; a bare IPv6 address or a name without a port does not split.
    private static bool TrySplitHostPort(string hostport, out string host, out string port)
    {
        host = port = "";
        if (hostport.StartsWith('['))
        {
            var close = hostport.IndexOf(']');
            if (close < 0 || close + 1 >= hostport.Length || hostport[close + 1] != ':') return false;
            host = hostport[1..close];
            port = hostport[(close + 2)..];
            return true;
        }
        var colon = hostport.LastIndexOf(':');
        if (colon < 0 || hostport.IndexOf(':') != colon) return false;
        host = hostport[..colon];
        port = hostport[(colon + 1)..];
        if (host.Length == 0) host = "127.0.0.1";
        return true;
    }
}
