using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.BuiltIn.Json;

public sealed partial class JsonPath
{
    private abstract record Filter
    {
        public abstract bool Test(JsonNode? current, JsonNode? root);
    }

    private sealed record Or(Filter Left, Filter Right) : Filter
    {
        public override bool Test(JsonNode? current, JsonNode? root) => Left.Test(current, root) || Right.Test(current, root);
    }

    private sealed record And(Filter Left, Filter Right) : Filter
    {
        public override bool Test(JsonNode? current, JsonNode? root) => Left.Test(current, root) && Right.Test(current, root);
    }

    private sealed record Not(Filter Inner) : Filter
    {
        public override bool Test(JsonNode? current, JsonNode? root) => !Inner.Test(current, root);
    }

    /// <summary><c>@.x</c> alone: true when the path selects something.</summary>
    private sealed record Exists(Operand Operand) : Filter
    {
        public override bool Test(JsonNode? current, JsonNode? root) => Operand.Values(current, root).Count > 0;
    }

    private sealed record Comparison(Operand Left, string Op, Operand Right) : Filter
    {
        public override bool Test(JsonNode? current, JsonNode? root)
        {
            var left = Left.Values(current, root);
            var right = Right.Values(current, root);
            // A path that selects nothing equals only another nothing, and orders with nothing.
            if (left.Count == 0 || right.Count == 0)
                return Op switch { "==" => left.Count == right.Count, "!=" => left.Count != right.Count, _ => false };
            var a = left[0];
            var b = right[0];
            return Op switch
            {
                "==" => JsonValues.DeepEquals(a, b),
                "!=" => !JsonValues.DeepEquals(a, b),
                _ => Compare(a, b) is { } c && Op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 },
            };
        }

        private static int? Compare(JsonNode? a, JsonNode? b)
        {
            var ka = JsonValues.KindOf(a);
            var kb = JsonValues.KindOf(b);
            if (ka == JsonValueKind.Number && kb == JsonValueKind.Number) return JsonValues.ToDouble(a!).CompareTo(JsonValues.ToDouble(b!));
            if (ka == JsonValueKind.String && kb == JsonValueKind.String) return string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>());
            return null;
        }
    }

    private abstract record Operand
    {
        public abstract IReadOnlyList<JsonNode?> Values(JsonNode? current, JsonNode? root);
    }

    private sealed record Literal(JsonNode? Value) : Operand
    {
        public override IReadOnlyList<JsonNode?> Values(JsonNode? current, JsonNode? root) => [Value];
    }

    private sealed record PathOperand(bool FromRoot, IReadOnlyList<Segment> Segments) : Operand
    {
        public override IReadOnlyList<JsonNode?> Values(JsonNode? current, JsonNode? root) => Select(Segments, [FromRoot ? root : current], root);
    }
}
