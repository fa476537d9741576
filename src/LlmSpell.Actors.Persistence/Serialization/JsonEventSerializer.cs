using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Actors.Persistence;

/// <summary>
/// The default <see cref="IEventSerializer"/>: System.Text.Json with types registered under explicit,
/// versioned manifests (<c>Register&lt;StepCompleted&gt;("step-completed.v1")</c>). An old version is read
/// through an upcaster that rewrites its JSON into the next version's shape. Register at startup;
/// reading and writing are thread-safe.
/// </summary>
public sealed class JsonEventSerializer : IEventSerializer
{
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _manifests = new();
    private readonly ConcurrentDictionary<string, (string To, Func<JsonNode, JsonNode> Upcast)> _upcasters = new(StringComparer.Ordinal);

    /// <summary>A serializer with <see cref="DefaultOptions"/> or the options given.</summary>
    public JsonEventSerializer(JsonSerializerOptions? options = null)
    {
        Options = options ?? DefaultOptions;
    }

    /// <summary>Web defaults: camelCase properties, case-insensitive reading, numbers not as strings.</summary>
    public static JsonSerializerOptions DefaultOptions { get; } = new(JsonSerializerDefaults.Web);

    public JsonSerializerOptions Options { get; }

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/> (e.g. <c>"step-completed.v1"</c>).</summary>
    public JsonEventSerializer Register<T>(string manifest) => Register(typeof(T), manifest);

    /// <summary>Registers <paramref name="type"/> under <paramref name="manifest"/>; a type has one manifest, a manifest one type.</summary>
    public JsonEventSerializer Register(Type type, string manifest)
    {
        ArgumentNullException.ThrowIfNull(type);
        ValidateManifest(manifest);
        if (_upcasters.ContainsKey(manifest))
            throw new ArgumentException($"Manifest '{manifest}' is already read through an upcaster; it cannot also name type {type.FullName}.", nameof(manifest));
        var existingType = _types.GetOrAdd(manifest, type);
        if (existingType != type)
            throw new ArgumentException($"Manifest '{manifest}' is already registered for {existingType.FullName}; pick another (e.g. a new version) for {type.FullName}.", nameof(manifest));
        var existingManifest = _manifests.GetOrAdd(type, manifest);
        if (existingManifest != manifest)
        {
            _types.TryRemove(new KeyValuePair<string, Type>(manifest, type));
            throw new ArgumentException(
                $"Type {type.FullName} is already registered as '{existingManifest}'. A type is written under one manifest; " +
                $"to keep reading '{manifest}', register an upcaster from it (Upcast(\"{manifest}\", \"{existingManifest}\", json => …)).", nameof(type));
        }
        return this;
    }

    /// <summary>
    /// Reads events stored as <paramref name="fromManifest"/> by rewriting their JSON with <paramref name="upcast"/> into the
    /// shape of <paramref name="toManifest"/> (which may itself be upcast further).
    /// </summary>
    public JsonEventSerializer Upcast(string fromManifest, string toManifest, Func<JsonNode, JsonNode> upcast)
    {
        ValidateManifest(fromManifest);
        ValidateManifest(toManifest);
        ArgumentNullException.ThrowIfNull(upcast);
        if (_types.ContainsKey(fromManifest))
            throw new ArgumentException($"Manifest '{fromManifest}' names a registered type; it cannot also be upcast.", nameof(fromManifest));
        if (!_upcasters.TryAdd(fromManifest, (toManifest, upcast)))
            throw new ArgumentException($"Manifest '{fromManifest}' already has an upcaster.", nameof(fromManifest));
        return this;
    }

    /// <summary>The manifest <paramref name="type"/> is written under, if registered.</summary>
    public bool TryGetManifest(Type type, out string manifest) => _manifests.TryGetValue(type, out manifest!);

    public SerializedValue Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var type = value.GetType();
        if (!_manifests.TryGetValue(type, out var manifest)) throw new UnregisteredEventTypeException(type);
        return new SerializedValue(manifest, JsonSerializer.Serialize(value, type, Options));
    }

    public object Deserialize(string manifest, string payload)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(payload);
        if (_types.TryGetValue(manifest, out var type))
            return JsonSerializer.Deserialize(payload, type, Options) ?? throw new JsonException($"The payload is JSON null, not a {type.Name}.");
        if (!_upcasters.ContainsKey(manifest)) throw new UnknownManifestException(manifest, _types.Keys.Concat(_upcasters.Keys));

        var node = JsonNode.Parse(payload) ?? throw new JsonException("The payload is JSON null.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (_upcasters.TryGetValue(manifest, out var step))
        {
            if (!seen.Add(manifest)) throw new InvalidOperationException($"The upcasters from '{manifest}' form a cycle.");
            node = step.Upcast(node) ?? throw new JsonException($"The upcaster from '{manifest}' returned null.");
            manifest = step.To;
        }
        if (!_types.TryGetValue(manifest, out type)) throw new UnknownManifestException(manifest, _types.Keys.Concat(_upcasters.Keys));
        return node.Deserialize(type, Options) ?? throw new JsonException($"The upcast payload is JSON null, not a {type.Name}.");
    }

    private static void ValidateManifest(string manifest)
    {
        if (string.IsNullOrWhiteSpace(manifest) || manifest.Any(char.IsWhiteSpace))
            throw new ArgumentException($"A manifest is a non-empty name without spaces, such as 'step-completed.v1'; got '{manifest}'.", nameof(manifest));
    }
}
