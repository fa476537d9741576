using System.Text;

namespace LlmSpell.Workflows.Export;

/// <summary>Renders a <see cref="FlowGraph"/> as a Mermaid <c>flowchart TD</c>.</summary>
internal static class MermaidWriter
{
    private const string Indent = "    ";

    public static string Write(FlowGraph graph)
    {
        var text = new StringBuilder("flowchart TD\n");
        var dashed = new List<string>();
        foreach (var item in graph.Root.Items) Item(text, item, 1, dashed);
        foreach (var edge in graph.Edges)
        {
            var arrow = edge.Back ? "-.->" : "-->";
            var label = edge.Label is null ? "" : $"|\"{Escape(edge.Label)}\"|";
            text.Append(Indent).Append($"{edge.From} {arrow}{label} {edge.To}").Append('\n');
        }
        foreach (var id in dashed) text.Append(Indent).Append($"style {id} stroke-dasharray: 5 5").Append('\n');
        return text.ToString();
    }

    private static void Item(StringBuilder text, object item, int depth, List<string> dashed)
    {
        var indent = string.Concat(Enumerable.Repeat(Indent, depth));
        switch (item)
        {
            case GraphNode node:
                text.Append(indent).Append(node.Id).Append(Shape(node.Shape, Escape(node.Label))).Append('\n');
                break;
            case GraphCluster cluster:
                text.Append(indent).Append($"subgraph {cluster.Id} [\"{Escape(cluster.Label)}\"]").Append('\n');
                foreach (var child in cluster.Items) Item(text, child, depth + 1, dashed);
                text.Append(indent).Append("end").Append('\n');
                if (cluster.Dashed) dashed.Add(cluster.Id);
                break;
        }
    }

    private static string Shape(NodeShape shape, string label) => shape switch
    {
        NodeShape.Terminal => $"([\"{label}\"])",
        NodeShape.Tool => $"[[\"{label}\"]]",
        NodeShape.Wait => $"[/\"{label}\"/]",
        NodeShape.Decision => $"{{\"{label}\"}}",
        NodeShape.Fork or NodeShape.Join or NodeShape.LoopExit => $"((\"{label}\"))",
        NodeShape.LoopHead => $"{{{{\"{label}\"}}}}",
        _ => $"[\"{label}\"]",
    };

    /// <summary>
    /// Inside Mermaid's quoted labels, quotes and the characters Mermaid reads as markup or entity
    /// starts become entity codes; a newline becomes a line break.
    /// </summary>
    internal static string Escape(string label)
    {
        var text = new StringBuilder(label.Length);
        foreach (var c in label)
        {
            text.Append(c switch
            {
                '"' => "#quot;",
                '#' => "#35;",
                '&' => "#amp;",
                '<' => "#lt;",
                '>' => "#gt;",
                '|' => "#124;",
                '`' => "#96;",
                '\n' => "<br/>",
                '\r' => "",
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }
}
