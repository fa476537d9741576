using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Definitions.Parsing;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Export;

namespace LlmSpell.Workflows.Tests.Fuzz;

/// <summary>
/// Hostile definitions for issue 21, from the workflows in docs/workflow-format.md and config/examples: unusual but valid
/// ones (deep nesting, many steps, odd names, deep data) and mutations (hostile values, removed and unknown keys, broken
/// text, lone surrogates, YAML alias bombs, YAML in a .json file). Seeded: the same seed gives the same cases. Shared by
/// the fuzz spec (a few hundred cases) and the fuzz benchmark (bench/LlmSpell.Bench, 10,000 cases).
/// </summary>
public sealed partial class DefinitionFuzzer(IReadOnlyList<(string Name, JsonNode Node)> seeds, int seed)
{
    /// <summary>One case: what kind of mutation made it, the file name it is parsed as (its extension picks the format), and its text.</summary>
    public sealed record Case(int Index, string Kind, string FileName, string Text);

    private readonly Random _random = new(seed);

    [GeneratedRegex(@"^```(json|yaml)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex DocBlock();

    /// <summary>Every workflow of the docs and examples that parses as a JSON node.</summary>
    public static List<(string Name, JsonNode Node)> LoadSeeds(string repositoryRoot)
    {
        var texts = new List<(string Name, string Format, string Text)>();
        foreach (Match m in DocBlock().Matches(File.ReadAllText(Path.Combine(repositoryRoot, "docs", "workflow-format.md"))))
            texts.Add(($"workflow-format.md#{texts.Count + 1}", m.Groups[1].Value, m.Groups[2].Value));
        foreach (var file in Directory.GetFiles(Path.Combine(repositoryRoot, "config", "examples")).Order(StringComparer.Ordinal))
        {
            var ext = Path.GetExtension(file);
            if (ext is ".json" or ".yaml" or ".yml") texts.Add((Path.GetFileName(file), ext == ".json" ? "json" : "yaml", File.ReadAllText(file)));
        }
        var seeds = new List<(string, JsonNode)>();
        foreach (var (name, format, text) in texts)
        {
            var node = format == "json" ? JsonText.Parse(text, out var error) : YamlText.Parse(text, out error);
            if (error is null && node is JsonObject) seeds.Add((name, node));
        }
        return seeds;
    }

    /// <summary>The repository holding this checkout (the directory with LlmSpell.Actors.sln above the running assembly).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmSpell.Actors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no LlmSpell.Actors.sln above {AppContext.BaseDirectory}");
    }

    public Case Next(int index)
    {
        var (seedName, seedNode) = seeds[_random.Next(seeds.Count)];
        var node = seedNode.DeepClone();
        var kinds = new List<string>();
        var roll = _random.Next(100);
        if (roll < 8) return new Case(index, "yaml-aliases", $"case-{index}.yaml", AliasBomb());
        for (var i = _random.Next(1, 4); i > 0; i--) kinds.Add(Mutate(ref node));
        var text = node.ToJsonString(WorkflowJson.Options);
        var fileName = $"case-{index}.json";
        if (roll < 30)
        {
            (text, var textKind) = MutateText(text);
            kinds.Add(textKind);
        }
        else if (roll < 40)
        {
            // JSON is YAML too: the same document through the YAML reader.
            fileName = $"case-{index}.yaml";
            kinds.Add("as-yaml");
        }
        return new Case(index, $"{seedName}: {string.Join(", ", kinds)}", fileName, text);
    }

    private static readonly Func<Random, JsonNode?>[] HostileValues =
    [
        _ => 1e300, _ => -1, _ => 0, _ => 0.5, _ => 4294967295L, _ => 4294967294L, _ => 1e12, _ => 9007199254740993L, _ => -1e-300,
        _ => "", _ => " ", _ => "a\nb\r\tc\u0007", r => new string('x', r.Next(1, 200_000)), _ => "{{", _ => "}}{{", _ => "{{input}}",
        r => string.Concat(Enumerable.Repeat("{", r.Next(1, 50_000))), _ => "{{input.message}}", _ => "{{steps.nope.output}}", _ => "{{ loop.item }}",
        _ => "💥 ünïcødé", _ => "\u2028", _ => true, _ => false, _ => null, _ => new JsonObject(), _ => new JsonArray(),
        r => Deep(r.Next(1, 1_100)), r => new JsonArray(Enumerable.Range(0, r.Next(1, 2_000)).Select(i => (JsonNode?)i).ToArray()),
        _ => "agent", _ => "tool", _ => "workflow", _ => "wait", _ => "loop", _ => "parallel", _ => "conditional", _ => "always",
        _ => "steps.x.output", _ => "input.items", _ => new JsonObject { ["equals"] = new JsonObject { ["path"] = "input.x", ["value"] = 1 } },
        _ => new JsonObject { ["range"] = new JsonObject { ["end"] = 3 } }, _ => new JsonObject { ["classify"] = null },
        _ => new JsonObject { ["initial_backoff_ms"] = 0, ["multiplier"] = 1e6, ["max_attempts"] = 3 },
    ];

    private static JsonNode Deep(int depth)
    {
        JsonNode node = 1;
        for (var i = 0; i < depth; i++) node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["d"] = node };
        return node;
    }

    private string Mutate(ref JsonNode node)
    {
        var places = Places(node).ToList();
        var (parent, key) = places.Count == 0 ? (null, null) : places[_random.Next(places.Count)];
        switch (_random.Next(10))
        {
            case 0 or 1 or 2 when parent is not null:
                Set(parent, key!, HostileValues[_random.Next(HostileValues.Length)](_random));
                return $"value at {key}";
            case 3 when parent is JsonObject obj:
                obj.Remove((string)key!);
                return $"removed {key}";
            case 4 when parent is JsonObject obj:
                obj[_random.Next(3) == 0 ? new string('k', _random.Next(1, 100_000)) : $"unknown_{_random.Next(1_000)}"] = 1;
                return "unknown key";
            case 5:
                var levels = _random.Next(1, 3) == 1 ? _random.Next(1, 20) : _random.Next(90, 110);
                var type = _random.Next(2) == 0 ? "sequential" : "parallel";
                for (var i = 0; i < levels; i++)
                    node = new JsonObject { ["type"] = type, ["steps"] = new JsonArray(new JsonObject { ["name"] = $"n{i}", ["step_type"] = "workflow", ["workflow"] = node }) };
                return $"nested {levels} {type}";
            case 6 when node["steps"] is JsonArray { Count: > 0 } steps:
                // An earlier mutation may have made the first step null: its copies are nulls too.
                var template = steps[0];
                // Up to just past the size limit (which refuses the document unread): beyond it a case only costs the harness memory.
                var room = DefinitionLimits.MaxDocumentChars + 1_000_000 - node.ToJsonString(WorkflowJson.Options).Length;
                var copies = Math.Min(_random.Next(1, 2_000), Math.Max(0, room) / Math.Max(1, template?.ToJsonString(WorkflowJson.Options).Length ?? 4));
                for (var i = 0; i < copies; i++)
                {
                    var copy = template?.DeepClone();
                    if (copy is JsonObject o) o["name"] = $"copy-{i}";
                    steps.Add(copy);
                }
                return $"{copies} more steps";
            case 7 when node["steps"] is JsonArray steps:
                foreach (var step in steps.OfType<JsonObject>())
                    step["name"] = _random.Next(3) switch { 0 => "名前-" + _random.Next(), 1 => new string('n', _random.Next(1, 5_000)), _ => "a b.c" };
                return "odd names";
            case 8 when node["steps"] is JsonArray { Count: > 0 } steps && steps[0] is JsonObject first:
                first["parameters"] = new JsonObject { ["deep"] = Deep(_random.Next(1, 1_100)), ["text"] = "{{input}} " + new string('{', _random.Next(0, 10_000)) };
                return "deep parameters";
            default:
                if (node is JsonObject root) root["config"] = new JsonObject { ["timeout_ms"] = HostileValues[_random.Next(9)](_random), ["max_concurrency"] = _random.Next(-2, 20_000) };
                return "config";
        }
    }

    private (string Text, string Kind) MutateText(string text)
    {
        switch (_random.Next(5))
        {
            case 0:
                return (text[.._random.Next(text.Length)], "truncated");
            case 1:
                var quote = text.IndexOf("\": \"", _random.Next(text.Length), StringComparison.Ordinal);
                if (quote < 0) quote = text.IndexOf("\":\"", StringComparison.Ordinal);
                return quote < 0 ? (text, "unchanged") : (text.Insert(quote + 4 > text.Length ? quote : quote + 3, _random.Next(2) == 0 ? "\\ud800" : "\\udc00x"), "lone surrogate");
            case 2:
                var chars = text.ToCharArray();
                const string Flips = "{}[]\",:\\\n\u0000&*!|>-";
                for (var i = _random.Next(1, 5); i > 0; i--) chars[_random.Next(chars.Length)] = Flips[_random.Next(Flips.Length)];
                return (new string(chars), "flipped characters");
            case 3:
                return (string.Concat(Enumerable.Repeat("[", _random.Next(900, 1_200))) + text, "deep brackets");
            default:
                // YAML in a file named .json (the examples' own YAML is the likely mistake).
                return ("name: yaml-in-json\nsteps:\n  - name: a\n    step_type: tool\n" + new string('#', _random.Next(0, 10_000)), "yaml named json");
        }
    }

    private string AliasBomb()
    {
        var width = _random.Next(2, 12);
        var depth = _random.Next(1, 12);
        var yaml = new StringBuilder("steps:\n  - name: s\n    step_type: tool\n    parameters:\n");
        yaml.Append("      l0: &l0 [").AppendJoin(", ", Enumerable.Repeat("lol", width)).Append("]\n");
        for (var d = 1; d <= depth; d++)
            yaml.Append($"      l{d}: &l{d} [").AppendJoin(", ", Enumerable.Repeat($"*l{d - 1}", width)).Append("]\n");
        return yaml.ToString();
    }

    private static IEnumerable<(JsonNode Parent, object Key)> Places(JsonNode node)
    {
        var stack = new Stack<JsonNode>([node]);
        var count = 0;
        while (stack.Count > 0 && count++ < 5_000)
        {
            switch (stack.Pop())
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        yield return (obj, key);
                        if (value is not null) stack.Push(value);
                    }
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        yield return (array, i);
                        if (array[i] is { } item) stack.Push(item);
                    }
                    break;
            }
        }
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject obj) obj[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }
}
