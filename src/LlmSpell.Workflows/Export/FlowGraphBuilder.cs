using System.Collections.Immutable;
using System.Text;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Export;

/// <summary>
/// Lays a workflow out as a <see cref="FlowGraph"/>: steps in a chain; parallel branches between a fork
/// and a join; conditional branches behind a decision, edges labelled by their conditions; a loop's
/// body with a back edge labelled by its iterator; nested workflows as subgraphs, to any depth.
/// Ids come from step and branch names, so they stay put when unrelated parts of a workflow change.
/// </summary>
internal sealed class FlowGraphBuilder
{
    private static readonly int DefaultMaxIterations = new LoopSpec { Iterator = new RangeIterator(0, 0, 1) }.MaxIterations;

    private readonly FlowGraph _graph;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    // Named workflows being drawn: one that (wrongly) contains itself is drawn once, not forever.
    private readonly List<WorkflowDefinition> _expanding = [];

    private FlowGraphBuilder(FlowGraph graph) => _graph = graph;

    private readonly record struct Fragment(string Entry, string Exit);

    public static FlowGraph Build(WorkflowDefinition workflow)
    {
        var builder = new FlowGraphBuilder(new FlowGraph(workflow.Name));
        var root = builder._graph.Root;
        var start = builder.Node(root, "start", $"start: {workflow.Name}", NodeShape.Terminal);
        var body = builder.Workflow(workflow, root, "", []);
        var end = builder.Node(root, "end", "end", NodeShape.Terminal);
        builder.Edge(start, body.Entry);
        builder.Edge(body.Exit, end);
        builder.SortEdgesByFlow();
        return builder._graph;
    }

    // Edges are made inside-out (a step's inner edges before the edge into it); listing them by
    // where their source node is drawn reads top-down. OrderBy is stable, so ties keep creation order.
    private void SortEdgesByFlow()
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        void Number(GraphCluster cluster)
        {
            foreach (var item in cluster.Items)
            {
                if (item is GraphNode node) order[node.Id] = order.Count;
                else if (item is GraphCluster sub) Number(sub);
            }
        }
        Number(_graph.Root);
        var sorted = _graph.Edges.OrderBy(e => order[e.From]).ToList();
        _graph.Edges.Clear();
        _graph.Edges.AddRange(sorted);
    }

    private Fragment Workflow(WorkflowDefinition workflow, GraphCluster cluster, string prefix,
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        if (workflow.Workflows.Count > 0) named = named.Insert(0, workflow.Workflows);
        return workflow.Type switch
        {
            WorkflowType.Parallel => Parallel(workflow, cluster, prefix, named),
            WorkflowType.Conditional => Conditional(workflow, cluster, prefix, named),
            WorkflowType.Loop => Loop(workflow, cluster, prefix, named),
            _ => Chain(workflow.Steps, cluster, prefix, named),
        };
    }

    private Fragment Parallel(WorkflowDefinition workflow, GraphCluster cluster, string prefix,
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        var fork = Node(cluster, prefix + "fork", $"parallel\nmax {workflow.Config.MaxConcurrency} at once", NodeShape.Fork);
        var exits = new List<string>();
        foreach (var branch in workflow.Branches)
        {
            var label = branch.Required ? $"branch: {branch.Name}" : $"branch: {branch.Name} (optional)";
            var sub = Cluster(cluster, prefix + "branch_" + branch.Name, label, dashed: !branch.Required);
            var body = Chain(branch.Steps, sub, prefix, named);
            Edge(fork, body.Entry);
            exits.Add(body.Exit);
        }
        var join = Node(cluster, prefix + "join", "join", NodeShape.Join);
        foreach (var exit in exits) Edge(exit, join);
        if (exits.Count == 0) Edge(fork, join);
        return new Fragment(fork, join);
    }

    private Fragment Conditional(WorkflowDefinition workflow, GraphCluster cluster, string prefix,
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        var label = workflow.Config.ConditionalMode == ConditionalMode.AllMatches ? "choose branches\n(all that match)" : "choose branch";
        var decision = Node(cluster, prefix + "decide", label, NodeShape.Decision);
        var exits = new List<string>();
        foreach (var branch in workflow.Branches)
        {
            var sub = Cluster(cluster, prefix + "branch_" + branch.Name, branch.IsDefault ? $"branch: {branch.Name} (default)" : $"branch: {branch.Name}", dashed: false);
            var body = Chain(branch.Steps, sub, prefix, named);
            Edge(decision, body.Entry, branch.IsDefault ? "default" : branch.Condition?.Describe() ?? "?");
            exits.Add(body.Exit);
        }
        var merge = Node(cluster, prefix + "merge", "merge", NodeShape.Join);
        foreach (var exit in exits) Edge(exit, merge);
        // Without a default branch nothing may match, and the workflow goes on without running any.
        if (!workflow.Branches.Any(b => b.IsDefault)) Edge(decision, merge, "no match");
        return new Fragment(decision, merge);
    }

    private Fragment Loop(WorkflowDefinition workflow, GraphCluster cluster, string prefix,
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        var head = Node(cluster, prefix + "loop", "loop", NodeShape.LoopHead);
        var body = Chain(workflow.Steps, cluster, prefix, named);
        var done = Node(cluster, prefix + "loop_done", "loop done", NodeShape.LoopExit);
        Edge(head, body.Entry);
        Edge(body.Exit, head, workflow.Loop is { } loop ? Describe(loop) : "next", back: true);
        if (workflow.Loop?.BreakWhen is { } breakWhen) Edge(body.Exit, done, $"break when {breakWhen.Describe()}");
        Edge(head, done, "done");
        return new Fragment(head, done);
    }

    private Fragment Chain(IReadOnlyList<StepDefinition> steps, GraphCluster cluster, string prefix,
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        if (steps.Count == 0)
        {
            var empty = Node(cluster, prefix + "empty", "(no steps)", NodeShape.Placeholder);
            return new Fragment(empty, empty);
        }
        string? entry = null, exit = null;
        foreach (var step in steps)
        {
            var fragment = Step(step, cluster, prefix, named);
            if (exit is not null) Edge(exit, fragment.Entry);
            entry ??= fragment.Entry;
            exit = fragment.Exit;
        }
        return new Fragment(entry!, exit!);
    }

    private Fragment Step(StepDefinition step, GraphCluster cluster, string prefix,
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        if (step.Kind != StepKind.Workflow)
        {
            var node = Node(cluster, prefix + step.Name, Label(step), Shape(step.Kind));
            return new Fragment(node, node);
        }
        var spec = step.Workflow;
        var (nested, scope) = Resolve(spec, named);
        if (nested is null || _expanding.Any(w => ReferenceEquals(w, nested)))
        {
            var why = nested is null ? "not found" : "recursive";
            var node = Node(cluster, prefix + step.Name, $"{step.Name}\nworkflow: {spec?.Name ?? "?"} ({why})", NodeShape.Placeholder);
            return new Fragment(node, node);
        }
        var label = nested.Name == step.Name
            ? $"{step.Name} ({Lower(nested.Type)} workflow)"
            : $"{step.Name}: {Lower(nested.Type)} workflow '{nested.Name}'";
        var sub = Cluster(cluster, prefix + step.Name, label, dashed: false);
        _expanding.Add(nested);
        var fragment = Workflow(nested, sub, prefix + step.Name + "__", scope);
        _expanding.RemoveAt(_expanding.Count - 1);
        return fragment;
    }

    /// <summary>An inline workflow, or the named one in reach (drawn in the scope where it is defined).</summary>
    private static (WorkflowDefinition? Workflow, ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> Scope) Resolve(
        WorkflowStepSpec? spec, ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> named)
    {
        if (spec?.Inline is { } inline) return (inline, named);
        if (spec?.Name is not { } name) return (null, named);
        for (var i = 0; i < named.Count; i++)
        {
            if (named[i].TryGetValue(name, out var workflow)) return (workflow, named.RemoveRange(0, i));
        }
        return (null, named);
    }

    private static string Label(StepDefinition step) => step.Kind switch
    {
        StepKind.Agent => $"{step.Name}\nagent"
            + (step.Agent?.AgentId is { } id ? $": {id}" : "")
            + (step.Agent?.Model is { } model ? $" ({model})" : ""),
        StepKind.Tool => step.Tool?.ToolName is { } tool ? $"{step.Name}\ntool: {tool}" : $"{step.Name}\ntool",
        StepKind.Wait => $"{step.Name}\nwait for '{step.Wait?.Signal}'",
        _ => step.Name,
    };

    private static NodeShape Shape(StepKind kind) => kind switch
    {
        StepKind.Tool => NodeShape.Tool,
        StepKind.Wait => NodeShape.Wait,
        _ => NodeShape.Agent,
    };

    /// <summary>The loop's iteration, as its back edge says it: "for each input.items", "range 0..10 step 2", "while …, max 5".</summary>
    internal static string Describe(LoopSpec loop)
    {
        var text = loop.Iterator switch
        {
            RangeIterator r => r.Step == 1 ? $"range {r.Start}..{r.End}" : $"range {r.Start}..{r.End} step {r.Step}",
            ForEachIterator { Source: { } source } => $"for each {source}",
            ForEachIterator f => $"for each of {f.Items?.Count ?? 0} items",
            WhileIterator w => $"while {w.Condition.Describe()}",
            _ => "next",
        };
        // A while loop always shows its cap (it is what stops it); other loops only an explicit one.
        return loop.Iterator is WhileIterator || loop.MaxIterations != DefaultMaxIterations ? $"{text}, max {loop.MaxIterations}" : text;
    }

    private static string Lower(WorkflowType type) => type.ToString().ToLowerInvariant();

    private string Node(GraphCluster cluster, string hint, string label, NodeShape shape)
    {
        var id = UniqueId("n_" + hint);
        cluster.Items.Add(new GraphNode(id, label, shape));
        return id;
    }

    private GraphCluster Cluster(GraphCluster parent, string hint, string label, bool dashed)
    {
        var cluster = new GraphCluster(UniqueId("sg_" + hint), label, dashed);
        parent.Items.Add(cluster);
        return cluster;
    }

    private void Edge(string from, string to, string? label = null, bool back = false) =>
        _graph.Edges.Add(new GraphEdge(from, to, label, back));

    // Letters, digits and '_' only: safe in both syntaxes without quoting.
    private string UniqueId(string hint)
    {
        var id = new StringBuilder(hint.Length);
        foreach (var c in hint) id.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        var unique = id.ToString();
        for (var n = 2; !_ids.Add(unique); n++) unique = $"{id}_{n}";
        return unique;
    }
}
