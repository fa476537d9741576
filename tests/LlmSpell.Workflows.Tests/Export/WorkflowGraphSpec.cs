using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Export;

namespace LlmSpell.Workflows.Tests.Export;

public sealed class WorkflowGraphSpec
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();

    private static string[] Mermaid(string yaml) => Lines(WorkflowGraph.ToMermaid(WorkflowParser.ParseYaml(yaml)));

    private static string[] Dot(string yaml) => Lines(WorkflowGraph.ToDot(WorkflowParser.ParseYaml(yaml)));

    private const string Sequential = """
        name: pipeline
        steps:
          - {name: extract, step_type: tool, tool: http-get}
          - {name: transform, step_type: agent, model: ollama/llama3.2:3b}
          - {name: approve, step_type: wait, signal: ok}
        """;

    private const string Parallel = """
        name: fan-out
        type: parallel
        max_concurrency: 3
        branches:
          - name: left
            steps: [{name: a, step_type: agent}, {name: b, step_type: agent}]
          - name: right
            optional: true
            steps: [{name: c, step_type: tool}]
        """;

    private const string Conditional = """
        name: router
        type: conditional
        branches:
          - name: english
            condition: {equals: {path: input.lang, value: en}}
            steps: [{name: en, step_type: agent}]
          - name: big
            condition: {gt: {path: input.size, value: 10}}
            steps: [{name: split, step_type: tool}]
        """;

    [Fact]
    public void A_sequential_workflow_is_a_chain_from_start_to_end()
    {
        var lines = Mermaid(Sequential);

        lines[0].Should().Be("flowchart TD");
        lines.Should().Contain([
            "n_start([\"start: pipeline\"])",
            "n_extract[[\"extract<br/>tool: http-get\"]]",
            "n_transform[\"transform<br/>agent (ollama/llama3.2:3b)\"]",
            "n_approve[/\"approve<br/>wait for 'ok'\"/]",
            "n_end([\"end\"])",
        ]);
        lines.Where(l => l.Contains("-->")).Should().Equal(
            "n_start --> n_extract", "n_extract --> n_transform", "n_transform --> n_approve", "n_approve --> n_end");
    }

    [Fact]
    public void A_parallel_workflow_forks_into_a_subgraph_per_branch_and_joins()
    {
        var lines = Mermaid(Parallel);

        lines.Should().ContainInOrder(
            "n_fork((\"parallel<br/>max 3 at once\"))",
            "subgraph sg_branch_left [\"branch: left\"]", "n_a[\"a<br/>agent\"]", "n_b[\"b<br/>agent\"]", "end",
            "subgraph sg_branch_right [\"branch: right (optional)\"]", "n_c[[\"c<br/>tool\"]]", "end",
            "n_join((\"join\"))");
        lines.Should().Contain([
            "n_start --> n_fork", "n_fork --> n_a", "n_a --> n_b", "n_fork --> n_c", "n_b --> n_join", "n_c --> n_join", "n_join --> n_end",
            "style sg_branch_right stroke-dasharray: 5 5",
        ]);
        lines.Should().NotContain("style sg_branch_left stroke-dasharray: 5 5");
    }

    [Fact]
    public void Parallel_steps_become_one_branch_each()
    {
        var lines = Mermaid("{type: parallel, steps: [{name: s1, step_type: agent}, {name: s2, step_type: agent}]}");
        lines.Should().Contain(["subgraph sg_branch_s1 [\"branch: s1\"]", "subgraph sg_branch_s2 [\"branch: s2\"]", "n_fork --> n_s1", "n_fork --> n_s2"]);
    }

    [Fact]
    public void A_conditional_workflow_labels_edges_with_conditions_and_escapes_them()
    {
        var lines = Mermaid(Conditional);

        lines.Should().Contain([
            "n_decide{\"choose branch\"}",
            "n_decide -->|\"input.lang == #quot;en#quot;\"| n_en",
            "n_decide -->|\"input.size #gt; 10\"| n_split",
            "n_en --> n_merge",
            "n_split --> n_merge",
            "n_decide -->|\"no match\"| n_merge",
        ]);
    }

    [Fact]
    public void A_default_branch_gets_a_default_edge_and_no_no_match_edge()
    {
        var lines = Mermaid("""
            type: conditional
            branches:
              - {name: yes, condition: always, steps: [{name: y, step_type: agent}]}
              - {name: otherwise, default: true, steps: [{name: n, step_type: agent}]}
            """);
        lines.Should().Contain(["n_decide -->|\"always\"| n_y", "n_decide -->|\"default\"| n_n", "subgraph sg_branch_otherwise [\"branch: otherwise (default)\"]"]);
        lines.Should().NotContain(l => l.Contains("no match"));
    }

    [Theory]
    [InlineData("{for_each: input.items}", "for each input.items")]
    [InlineData("{range: {start: 0, end: 10, step: 2}}", "range 0..10 step 2")]
    [InlineData("{range: {end: 3}}", "range 0..3")]
    [InlineData("{for_each: [1, 2, 3], max_iterations: 2}", "for each of 3 items, max 2")]
    [InlineData("{while: {lt: {path: state.count, value: 3}}, max_iterations: 5}", "while state.count #lt; 3, max 5")]
    public void A_loop_has_a_back_edge_labelled_by_its_iterator(string loop, string label)
    {
        var lines = Mermaid($"{{type: loop, loop: {loop}, steps: [{{name: body, step_type: agent}}, {{name: tail, step_type: tool}}]}}");

        lines.Should().Contain([
            "n_loop{{\"loop\"}}",
            "n_loop --> n_body",
            "n_body --> n_tail",
            $"n_tail -.->|\"{label}\"| n_loop",
            "n_loop -->|\"done\"| n_loop_done",
            "n_loop_done --> n_end",
        ]);
    }

    [Fact]
    public void A_loop_with_break_when_has_a_break_edge()
    {
        var lines = Mermaid("{type: loop, loop: {range: {end: 9}, break_when: {exists: steps.body.output.done}}, steps: [{name: body, step_type: agent}]}");
        lines.Should().Contain("n_body -->|\"break when exists steps.body.output.done\"| n_loop_done");
    }

    private const string ThreeLevels = """
        name: root
        workflows:
          leaf:
            steps:
              - {name: write, step_type: agent}
              - {name: save, step_type: tool, tool: file-write}
        steps:
          - {name: plan, step_type: agent}
          - name: level1
            step_type: workflow
            workflow:
              type: parallel
              branches:
                - name: fast
                  steps: [{name: quick, step_type: agent}]
                - name: deep
                  steps:
                    - name: level2
                      step_type: workflow
                      workflow:
                        type: loop
                        loop: {for_each: input.topics}
                        steps:
                          - {name: level3, step_type: workflow, workflow: leaf}
          - {name: report, step_type: agent}
        """;

    [Fact]
    public void Nested_workflows_are_subgraphs_within_subgraphs_to_any_depth()
    {
        var text = WorkflowGraph.ToMermaid(WorkflowParser.ParseYaml(ThreeLevels));
        var raw = text.Split('\n');

        raw.Should().ContainInOrder(
            "    subgraph sg_level1 [\"level1 (parallel workflow)\"]",
            "        subgraph sg_level1__branch_deep [\"branch: deep\"]",
            "            subgraph sg_level1__level2 [\"level2 (loop workflow)\"]",
            "                subgraph sg_level1__level2__level3 [\"level3: sequential workflow 'leaf'\"]",
            "                    n_level1__level2__level3__write[\"write<br/>agent\"]",
            "                    n_level1__level2__level3__save[[\"save<br/>tool: file-write\"]]",
            "                end",
            "            end",
            "        end",
            "    end");
        var lines = Lines(text);
        lines.Should().Contain([
            "n_plan --> n_level1__fork",
            "n_level1__fork --> n_level1__quick",
            "n_level1__fork --> n_level1__level2__loop",
            "n_level1__level2__loop --> n_level1__level2__level3__write",
            "n_level1__level2__level3__write --> n_level1__level2__level3__save",
            "n_level1__level2__level3__save -.->|\"for each input.topics\"| n_level1__level2__loop",
            "n_level1__level2__loop_done --> n_level1__join",
            "n_level1__join --> n_report",
            "n_report --> n_end",
        ]);
    }

    [Fact]
    public void Dot_output_has_the_same_structure_with_clusters()
    {
        var lines = Dot(ThreeLevels);

        lines[0].Should().Be("digraph \"root\" {");
        lines[^1].Should().Be("}");
        lines.Should().ContainInOrder(
            "subgraph cluster_sg_level1 {", "label=\"level1 (parallel workflow)\";",
            "subgraph cluster_sg_level1__branch_deep {",
            "subgraph cluster_sg_level1__level2 {", "label=\"level2 (loop workflow)\";",
            "subgraph cluster_sg_level1__level2__level3 {", "label=\"level3: sequential workflow 'leaf'\";",
            "n_level1__level2__level3__write [label=\"write\\nagent\", shape=box, style=rounded];");
        lines.Should().Contain([
            "n_start [label=\"start: root\", shape=oval];",
            "n_level1__fork -> n_level1__quick;",
            "n_level1__level2__level3__save -> n_level1__level2__loop [label=\"for each input.topics\", style=dashed, constraint=false];",
            "n_report -> n_end;",
        ]);
    }

    [Fact]
    public void Dot_marks_optional_branches_dashed_and_conditions_on_edges()
    {
        Dot(Parallel).Should().ContainInOrder("subgraph cluster_sg_branch_right {", "label=\"branch: right (optional)\";", "style=dashed;");
        Dot(Conditional).Should().Contain([
            "n_decide [label=\"choose branch\", shape=diamond];",
            "n_decide -> n_en [label=\"input.lang == \\\"en\\\"\"];",
            "n_decide -> n_merge [label=\"no match\"];",
        ]);
    }

    [Fact]
    public void Labels_are_escaped_for_each_syntax()
    {
        var definition = new WorkflowDefinition
        {
            Name = "quote\"back\\slash",
            Type = WorkflowType.Conditional,
            Branches =
            [
                new BranchDefinition
                {
                    Name = "odd",
                    Condition = new CompareCondition(CompareOperator.Equals, DataPath.Parse("input.x"), JsonValue.Create("a|b#c<d>&`e`")),
                    Steps = [new StepDefinition { Name = "s", Kind = StepKind.Agent }],
                },
            ],
        };

        WorkflowGraph.ToMermaid(definition).Should().Contain(
            "n_decide -->|\"input.x == #quot;a#124;b#35;c#lt;d#gt;#amp;#96;e#96;#quot;\"| n_s");
        var dot = WorkflowGraph.ToDot(definition);
        dot.Should().StartWith("digraph \"quote\\\"back\\\\slash\" {");
        dot.Should().Contain("n_decide -> n_s [label=\"input.x == \\\"a|b#c<d>&`e`\\\"\"];");
    }

    [Fact]
    public void A_named_workflow_that_contains_itself_is_drawn_once()
    {
        // The validator rejects this; the graph must still not recurse forever when asked.
        var self = new WorkflowDefinition { Name = "again", Steps = [new StepDefinition { Name = "recurse", Kind = StepKind.Workflow, Workflow = new WorkflowStepSpec { Name = "again" } }] };
        var root = new WorkflowDefinition
        {
            Name = "root",
            Workflows = new Dictionary<string, WorkflowDefinition> { ["again"] = self },
            Steps = [new StepDefinition { Name = "call", Kind = StepKind.Workflow, Workflow = new WorkflowStepSpec { Name = "again" } }],
        };

        Lines(WorkflowGraph.ToMermaid(root)).Should().Contain([
            "subgraph sg_call [\"call: sequential workflow 'again'\"]",
            "n_call__recurse[\"recurse<br/>workflow: again (recursive)\"]",
        ]);
    }

    [Fact]
    public void Output_is_deterministic_and_ids_follow_names()
    {
        var definition = WorkflowParser.ParseYaml(ThreeLevels);
        WorkflowGraph.ToMermaid(definition).Should().Be(WorkflowGraph.ToMermaid(WorkflowParser.ParseYaml(ThreeLevels)));
        WorkflowGraph.ToDot(definition).Should().Be(WorkflowGraph.ToDot(definition));

        var longer = definition with { Steps = [new StepDefinition { Name = "first", Kind = StepKind.Agent }, .. definition.Steps] };
        Lines(WorkflowGraph.ToMermaid(longer)).Should().Contain(["n_start --> n_first", "n_first --> n_plan", "n_plan --> n_level1__fork"]);
    }

    [Fact]
    public void Ids_stay_unique_when_names_collide_after_sanitizing()
    {
        var lines = Mermaid("{steps: [{name: a-b, step_type: agent}, {name: a_b, step_type: agent}, {name: start, step_type: agent}]}");
        lines.Should().Contain(["n_a_b[\"a-b<br/>agent\"]", "n_a_b_2[\"a_b<br/>agent\"]", "n_start_2[\"start<br/>agent\"]", "n_a_b --> n_a_b_2", "n_a_b_2 --> n_start_2"]);
    }
}
