using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Converts YAML into the same JSON node a JSON definition gives, so both go through one parser.
/// Plain scalars are typed as YAML 1.2's core schema does (null, true/false, ints, floats; <c>yes</c>,
/// <c>on</c> stay strings); quoted and block scalars are always strings. Anchors and aliases work;
/// duplicate keys and more than one document are errors.
/// </summary>
internal static partial class YamlText
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^0o[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalInt();

    [GeneratedRegex("^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Float();

    public static JsonNode? Parse(string yaml, out ValidationError? error)
    {
        var reader = new Reader(new Parser(new StringReader(yaml)));
        try
        {
            error = null;
            return reader.ReadDocument();
        }
        catch (YamlError e)
        {
            error = e.Error;
        }
        catch (YamlException e)
        {
            error = new ValidationError(reader.CurrentPath.ToString(),
                $"malformed YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message.Trim()}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unclosed flow collections ("[1, 2" at the end of a line).
            error = new ValidationError(reader.CurrentPath.ToString(),
                $"malformed YAML near line {reader.LastMark.Line}, column {reader.LastMark.Column}: the YAML parser stopped here; look for an unclosed '[', '{{' or quote");
        }
        return null;
    }

    private sealed class YamlError(ValidationError error) : Exception(error.Message)
    {
        public ValidationError Error { get; } = error;
    }

    private sealed class Reader(IParser parser)
    {
        private const int MaxDepth = DefinitionLimits.MaxDocumentDepth;

        // An anchored node and how many values it holds, which every alias of it copies.
        private readonly Dictionary<string, (JsonNode? Node, long Size)> _anchors = new(StringComparer.Ordinal);
        private long _values;
        // One string per distinct key: the parser makes a new one for every key it reads, and a large document repeats few.
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private long _copied;
        private int _aliases;

        public JsonPath CurrentPath { get; private set; } = JsonPath.Root;
        public Mark LastMark { get; private set; } = Mark.Empty;

        private ParsingEvent Next()
        {
            if (!parser.MoveNext()) throw Fail(JsonPath.Root, "the YAML ends unexpectedly");
            var current = parser.Current!;
            LastMark = current.Start;
            return current;
        }

        public JsonNode? ReadDocument()
        {
            Next(); // StreamStart
            var first = Next();
            if (first is StreamEnd) throw Fail(JsonPath.Root, "the YAML is empty; a workflow definition is a mapping with at least 'steps'");
            var root = ReadNode(Next(), JsonPath.Root, 0);
            Next(); // DocumentEnd
            var after = Next();
            if (after is not StreamEnd)
                throw Fail(JsonPath.Root, $"the YAML has more than one document (another starts at line {after.Start.Line}); put one workflow per file");
            return root;
        }

        // Values read, alias copies included: a definition holds at most DefinitionLimits.MaxDocumentValues.
        private void Count(long values, ParsingEvent ev, JsonPath path)
        {
            _values += values;
            if (_values > DefinitionLimits.MaxDocumentValues) throw Fail(path, DefinitionLimits.TooManyValues($"line {ev.Start.Line}"));
        }

        private JsonNode? ReadNode(ParsingEvent ev, JsonPath path, int depth)
        {
            CurrentPath = path;
            if (depth > MaxDepth) throw Fail(path, $"the YAML is nested more than {MaxDepth} levels deep (line {ev.Start.Line})");
            var first = _values;
            Count(1, ev, path);
            switch (ev)
            {
                case AnchorAlias alias:
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        throw Fail(path, $"alias *{alias.Value.Value} at line {ev.Start.Line} has no anchor &{alias.Value.Value} before it");
                    // Every alias is a copy: without bounds a few hundred bytes of nested aliases expand to gigabytes.
                    if (++_aliases > DefinitionLimits.MaxYamlAliases)
                        throw Fail(path, $"the YAML has more than {DefinitionLimits.MaxYamlAliases} aliases (line {ev.Start.Line}); write the values out or use named workflows");
                    Count(target.Size - 1, ev, path);
                    _copied += target.Size;
                    if (_copied > DefinitionLimits.MaxYamlAliasValues)
                        throw Fail(path, $"the YAML's aliases copy more than {DefinitionLimits.MaxYamlAliasValues} values (alias *{alias.Value.Value} at line {ev.Start.Line}); nested aliases multiply, so copy less");
                    return target.Node?.DeepClone();
                case Scalar scalar:
                    return Remember(scalar.Anchor, ToValue(scalar, path), first);
                case SequenceStart sequence:
                    var array = new JsonArray(JsonText.NodeOptions);
                    for (var next = Next(); next is not SequenceEnd; next = Next())
                    {
                        array.Add(ReadNode(next, path.Index(array.Count), depth + 1));
                        // A syntax error after an item (a bad indent, an unclosed '[') belongs to the sequence, not the item.
                        CurrentPath = path;
                    }
                    return Remember(sequence.Anchor, array, first);
                case MappingStart mapping:
                    var obj = new JsonObject(JsonText.NodeOptions);
                    for (var next = Next(); next is not MappingEnd; next = Next())
                    {
                        if (next is not Scalar key)
                            throw Fail(path, $"a mapping key at line {next.Start.Line}, column {next.Start.Column} is not plain text; keys must be names");
                        CheckText(key, path);
                        if (!_keys.TryGetValue(key.Value, out var name)) _keys.Add(name = key.Value);
                        if (obj.ContainsKey(name))
                            throw Fail(path.Property(name),
                                $"duplicate key '{key.Value}' at line {key.Start.Line}, column {key.Start.Column}; a key may appear only once in a mapping");
                        // While its value is scanned a syntax error is the key's; after it, the mapping's again.
                        CurrentPath = path.Property(name);
                        obj[name] = ReadNode(Next(), CurrentPath, depth + 1);
                        CurrentPath = path;
                    }
                    return Remember(mapping.Anchor, obj, first);
                default:
                    throw Fail(path, $"unexpected YAML at line {ev.Start.Line}, column {ev.Start.Column}");
            }
        }

        private JsonNode? Remember(AnchorName anchor, JsonNode? node, long first)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = (node?.DeepClone(), _values - first);
            return node;
        }

        private JsonNode? ToValue(Scalar scalar, JsonPath path)
        {
            CheckText(scalar, path);
            return YamlText.ToValue(scalar);
        }

        // A "\ud800" escape gives half a surrogate pair: no text, and JSON writers refuse it later.
        private static void CheckText(Scalar scalar, JsonPath path)
        {
            var text = scalar.Value;
            for (var i = 0; i < text.Length; i++)
            {
                if (!char.IsSurrogate(text[i])) continue;
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }
                throw Fail(path, $"the text at line {scalar.Start.Line}, column {scalar.Start.Column} has half a surrogate pair (U+{(int)text[i]:X4}), which is not text; " +
                    "a \\uD800-\\uDFFF escape must be half of a pair, e.g. \\ud83d\\ude00");
            }
        }

        private static YamlError Fail(JsonPath path, string message) => new(new ValidationError(path.ToString(), message));
    }

    private static JsonNode? ToValue(Scalar scalar)
    {
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag == CoreTagPrefix + "str" || tag == "!") return JsonValue.Create(scalar.Value);
        // An explicit core tag (!!int "5") types the value even when it is quoted.
        var typedByTag = tag is not null && tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal);
        if (scalar.Style != ScalarStyle.Plain && !typedByTag) return JsonValue.Create(scalar.Value);
        return Resolve(scalar.Value);
    }

    // YAML 1.2 core schema, section 10.3.2.
    private static JsonNode? Resolve(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (DecimalInt().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m)) return JsonValue.Create(m);
        }
        if (OctalInt().IsMatch(text) && text.Length <= 23) return JsonValue.Create(Convert.ToInt64(text[2..], 8));
        if (HexInt().IsMatch(text) && text.Length <= 18) return JsonValue.Create(Convert.ToInt64(text[2..], 16));
        if (Float().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }
        // .inf and .nan have no JSON form; like every other plain text they stay a string.
        return JsonValue.Create(text);
    }
}
