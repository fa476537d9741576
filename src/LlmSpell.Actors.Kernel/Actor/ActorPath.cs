using System.Text;

namespace LlmSpell.Actors;

/// <summary>The location of an actor in the hierarchy, plus the unique id of one incarnation.</summary>
/// <remarks>
/// Paths are compared by their elements; <see cref="Uid"/> distinguishes two actors that
/// lived under the same name at different times, so refs compare path and uid.
/// </remarks>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private string? _cached;

    private ActorPath(string systemName, ActorPath? parent, string name, long uid)
    {
        SystemName = systemName;
        Parent = parent;
        Name = name;
        Uid = uid;
        Depth = parent is null ? 0 : parent.Depth + 1;
    }

    /// <summary>The scheme every local path starts with.</summary>
    public const string Scheme = "llmspell";

    public string SystemName { get; }
    public ActorPath? Parent { get; }
    public string Name { get; }
    public long Uid { get; }
    public int Depth { get; }

    internal static ActorPath Root(string systemName) => new(systemName, null, "", 0);

    /// <summary>A child path under this one.</summary>
    public ActorPath Child(string name, long uid = 0) => new(SystemName, this, name, uid);

    /// <summary>The elements below the root, e.g. ["user", "a", "b"].</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var list = new string[Depth];
            var p = this;
            for (var i = Depth - 1; i >= 0; i--, p = p.Parent!) list[i] = p.Name;
            return list;
        }
    }

    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Depth != Depth) return false;
        ActorPath? a = this, b = other;
        while (a is not null)
        {
            if (!string.Equals(a.Name, b!.Name, StringComparison.Ordinal)) return false;
            a = a.Parent;
            b = b.Parent;
        }
        return string.Equals(SystemName, other.SystemName, StringComparison.Ordinal);
    }

    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    public override int GetHashCode()
    {
        var h = new HashCode();
        for (var p = this; p is not null; p = p.Parent) h.Add(p.Name, StringComparer.Ordinal);
        return h.ToHashCode();
    }

    /// <summary><c>llmspell://system/user/a</c>.</summary>
    public override string ToString() => _cached ??= Build();

    /// <summary>The path with the incarnation id: <c>llmspell://system/user/a#123</c>.</summary>
    public string ToStringWithUid() => Uid == 0 ? ToString() : $"{this}#{Uid}";

    private string Build()
    {
        var sb = new StringBuilder(Scheme).Append("://").Append(SystemName);
        if (Depth == 0) return sb.Append('/').ToString();
        foreach (var e in Elements) sb.Append('/').Append(e);
        return sb.ToString();
    }

    /// <summary>Checks an actor name and says what is wrong with it, or returns null when it is valid.</summary>
    public static string? ValidateName(string? name, bool allowSystemPrefix = false)
    {
        if (string.IsNullOrEmpty(name)) return "actor name must not be null or empty";
        if (name[0] == '$' && !allowSystemPrefix)
            return $"actor name [{name}] must not start with '$' (reserved for generated names)";
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || "-_:@&=+,.!~*'$;".Contains(c)) continue;
            return $"actor name [{name}] contains the invalid character '{c}'; use letters, digits and -_:@&=+,.!~*'$;";
        }
        return null;
    }
}
