using System.Text;

namespace LlmSpell.Actors;

/// <summary>The location of an actor in the hierarchy, plus the unique id of one incarnation.</summary>
/// <remarks>
/// Paths are compared by their elements; <see cref="Uid"/> distinguishes two actors that
/// lived under the same name at different times, so refs compare path and uid.
/// </remarks>
public sealed class ActorPath : IEquatable<ActorPath>
{
    // Kept small (no cached string, the system name only on the root): every actor has one.
    private ActorPath(ActorPath? parent, string name, long uid)
    {
        Parent = parent;
        Name = name;
        Uid = uid;
    }

    /// <summary>The scheme every local path starts with.</summary>
    public const string Scheme = "llmspell";

    /// <summary>The actor system's name (held by the root path).</summary>
    public string SystemName => Root.Name;

    private ActorPath Root
    {
        get
        {
            var p = this;
            while (p.Parent is not null) p = p.Parent;
            return p;
        }
    }
    public ActorPath? Parent { get; }
    public string Name { get; }
    public long Uid { get; }
    /// <summary>Number of elements below the root (computed: not worth a field in every actor).</summary>
    public int Depth
    {
        get
        {
            var depth = 0;
            for (var p = Parent; p is not null; p = p.Parent) depth++;
            return depth;
        }
    }

    internal static ActorPath CreateRoot(string systemName) => new(null, systemName, 0);

    /// <summary>A child path under this one.</summary>
    public ActorPath Child(string name, long uid = 0) => new(this, name, uid);

    /// <summary>The elements below the root, e.g. ["user", "a", "b"].</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var depth = Depth;
            var list = new string[depth];
            var p = this;
            for (var i = depth - 1; i >= 0; i--, p = p.Parent!) list[i] = p.Name;
            return list;
        }
    }

    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        ActorPath? a = this, b = other;
        while (a is not null && b is not null)
        {
            // The root's name is the system name, so this compares systems too.
            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal)) return false;
            a = a.Parent;
            b = b.Parent;
        }
        return a is null && b is null;
    }

    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    public override int GetHashCode()
    {
        var h = new HashCode();
        for (var p = this; p is not null; p = p.Parent) h.Add(p.Name, StringComparer.Ordinal);
        return h.ToHashCode();
    }

    /// <summary><c>llmspell://system/user/a</c>.</summary>
    public override string ToString() => Build();

    /// <summary>The path with the incarnation id: <c>llmspell://system/user/a#123</c>.</summary>
    public string ToStringWithUid() => Uid == 0 ? ToString() : $"{this}#{Uid}";

    private string Build()
    {
        var sb = new StringBuilder(Scheme).Append("://").Append(SystemName);
        if (Parent is null) return sb.Append('/').ToString();
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
