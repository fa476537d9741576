using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// The stored JSON of runs: a versioned JSON of the definition record model (<c>definition.v1</c>) and the
/// journal's event manifests. Enums are written as names, conditions and loop iterators carry a <c>$type</c>.
/// </summary>
public static class WorkflowJson
{
    /// <summary>The version written into every stored definition; a reader refuses any other.</summary>
    public const int DefinitionVersion = 1;

    /// <summary>Options for definitions and events: web defaults, enum names, polymorphic conditions, no computed properties.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The definition as versioned JSON: <c>{ "version": 1, "definition": { … } }</c>.</summary>
    public static JsonNode SerializeDefinition(WorkflowDefinition definition) => new JsonObject
    {
        ["version"] = DefinitionVersion,
        ["definition"] = JsonSerializer.SerializeToNode(definition, Options),
    };

    /// <summary>Reads what <see cref="SerializeDefinition"/> wrote; throws <see cref="JsonException"/> naming what is wrong.</summary>
    public static WorkflowDefinition DeserializeDefinition(JsonNode node)
    {
        var version = node["version"]?.GetValue<int>() ?? throw new JsonException("The stored workflow definition has no 'version'.");
        if (version != DefinitionVersion)
            throw new JsonException($"The stored workflow definition has version {version}; this engine reads version {DefinitionVersion}.");
        return node["definition"].Deserialize<WorkflowDefinition>(Options)
            ?? throw new JsonException("The stored workflow definition is null.");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            MaxDepth = DefinitionLimits.MaxWrittenDepth,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Modify } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new DataPathConverter());
        options.MakeReadOnly();
        return options;
    }

    private static void Modify(JsonTypeInfo info)
    {
        if (info.Kind == JsonTypeInfoKind.Object && info.Type.Namespace is { } ns && ns.StartsWith("LlmSpell.Workflows", StringComparison.Ordinal))
        {
            // Computed properties (OwnSteps, DisplayDescription, Kind, TotalTokens) are derived, not stored.
            for (var i = info.Properties.Count - 1; i >= 0; i--)
                if (info.Properties[i].Set is null) info.Properties.RemoveAt(i);
        }
        if (info.Type == typeof(Condition))
        {
            info.PolymorphismOptions = Polymorphism(
                (typeof(AlwaysCondition), "always"), (typeof(NeverCondition), "never"), (typeof(CompareCondition), "compare"),
                (typeof(ExistsCondition), "exists"), (typeof(AndCondition), "and"), (typeof(OrCondition), "or"),
                (typeof(NotCondition), "not"), (typeof(ClassifyCondition), "classify"));
        }
        else if (info.Type == typeof(LoopIterator))
        {
            info.PolymorphismOptions = Polymorphism((typeof(RangeIterator), "range"), (typeof(ForEachIterator), "for_each"), (typeof(WhileIterator), "while"));
        }
    }

    private static JsonPolymorphismOptions Polymorphism(params (Type Type, string Name)[] types)
    {
        var options = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization };
        foreach (var (type, name) in types) options.DerivedTypes.Add(new JsonDerivedType(type, name));
        return options;
    }

    private sealed class DataPathConverter : JsonConverter<DataPath>
    {
        public override DataPath Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DataPath.Parse(reader.GetString() ?? throw new JsonException("A data path must be a string."));

        public override void Write(Utf8JsonWriter writer, DataPath value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
    }
}
