using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Export;

/// <summary>
/// Draws a workflow definition as a flowchart — Mermaid or Graphviz DOT, with the same structure —
/// for docs, reviews and the CLI. Output is deterministic: the same definition gives the same text.
/// </summary>
public static class WorkflowGraph
{
    /// <summary>A Mermaid <c>flowchart TD</c>: start and end, steps, branches and nested workflows as subgraphs.</summary>
    public static string ToMermaid(WorkflowDefinition definition) => MermaidWriter.Write(FlowGraphBuilder.Build(definition));

    /// <summary>A Graphviz digraph of the same structure, with clusters for branches and nested workflows.</summary>
    public static string ToDot(WorkflowDefinition definition) => DotWriter.Write(FlowGraphBuilder.Build(definition));
}
