using System.Text;

namespace LlmSpell.Workflows.Export;

/// <summary>Renders a <see cref="FlowGraph"/> as a Graphviz DOT digraph; subgraphs become clusters.</summary>
internal static class DotWriter
{
    private const string Indent = "    ";

    public static string Write(FlowGraph graph)
    {
        var text = new StringBuilder();
        text.Append($"digraph {Quote(graph.Title)} {{\n");
        text.Append(Indent).Append("rankdir=TB;\n");
        text.Append(Indent).Append("node [fontname=\"Helvetica\", fontsize=11];\n");
        text.Append(Indent).Append("edge [fontname=\"Helvetica\", fontsize=10];\n");
        foreach (var item in graph.Root.Items) Item(text, item, 1);
        foreach (var edge in graph.Edges)
        {
            var attributes = new List<string>();
            if (edge.Label is not null) attributes.Add($"label={Quote(edge.Label)}");
            // A back edge must not pull the loop head below its body.
            if (edge.Back) attributes.AddRange(["style=dashed", "constraint=false"]);
            text.Append(Indent).Append($"{edge.From} -> {edge.To}");
            if (attributes.Count > 0) text.Append(" [").Append(string.Join(", ", attributes)).Append(']');
            text.Append(";\n");
        }
        text.Append("}\n");
        return text.ToString();
    }

    private static void Item(StringBuilder text, object item, int depth)
    {
        var indent = string.Concat(Enumerable.Repeat(Indent, depth));
        switch (item)
        {
            case GraphNode node:
                text.Append(indent).Append($"{node.Id} [label={Quote(node.Label)}, {Shape(node.Shape)}];\n");
                break;
            case GraphCluster cluster:
                // Graphviz draws a subgraph as a box only when its name starts with "cluster".
                text.Append(indent).Append($"subgraph cluster_{cluster.Id} {{\n");
                text.Append(indent).Append(Indent).Append($"label={Quote(cluster.Label)};\n");
                text.Append(indent).Append(Indent).Append(cluster.Dashed ? "style=dashed;\n" : "style=rounded;\n");
                foreach (var child in cluster.Items) Item(text, child, depth + 1);
                text.Append(indent).Append("}\n");
                break;
        }
    }

    private static string Shape(NodeShape shape) => shape switch
    {
        NodeShape.Terminal => "shape=oval",
        NodeShape.Agent => "shape=box, style=rounded",
        NodeShape.Tool => "shape=box",
        NodeShape.Wait => "shape=parallelogram",
        NodeShape.Decision => "shape=diamond",
        NodeShape.LoopHead => "shape=hexagon",
        NodeShape.Fork or NodeShape.Join or NodeShape.LoopExit => "shape=circle",
        _ => "shape=box, style=dotted",
    };

    /// <summary>A DOT string literal: backslashes and quotes escaped (so no DOT escape like \N slips in), newlines as \n.</summary>
    internal static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}
