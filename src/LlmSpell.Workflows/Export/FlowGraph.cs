namespace LlmSpell.Workflows.Export;

/// <summary>
/// A workflow drawn as a flowchart, independent of the output syntax: Mermaid and DOT render this
/// same structure, so the two never disagree. Items keep their creation order, which makes output stable.
/// </summary>
internal sealed class FlowGraph(string title)
{
    public string Title { get; } = title;
    public GraphCluster Root { get; } = new("root", title, Dashed: false);
    public List<GraphEdge> Edges { get; } = [];
}

/// <summary>How a node is drawn.</summary>
internal enum NodeShape
{
    Terminal,
    Agent,
    Tool,
    Wait,
    Decision,
    Fork,
    Join,
    LoopHead,
    LoopExit,
    Placeholder,
}

internal sealed record GraphNode(string Id, string Label, NodeShape Shape);

/// <summary>An edge; a back edge (a loop's next iteration) is drawn dashed and does not rank the layout.</summary>
internal sealed record GraphEdge(string From, string To, string? Label, bool Back = false);

/// <summary>A subgraph: a branch or a nested workflow; its items are nodes and clusters.</summary>
internal sealed record GraphCluster(string Id, string Label, bool Dashed)
{
    public List<object> Items { get; } = [];
}
