using LlmSpell.Tools;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

/// <summary>A fault inside the engine (here: a tool registry that throws) ends the run as failed, saying why; it never hangs it.</summary>
public sealed class EngineFaultSpec : EngineSpec
{
    [Fact]
    public async Task A_fault_while_starting_the_first_step_fails_the_run()
    {
        var engine = EngineWith(new BrokenRegistry(Tools, brokenFor: "first"));
        Tools.Echo("first");

        var result = await engine.RunAsync(Sequential("wf", Tool("first"))).WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("registry unavailable");
    }

    [Fact]
    public async Task A_fault_while_starting_a_later_step_fails_the_run_rather_than_cancelling_it()
    {
        var engine = EngineWith(new BrokenRegistry(Tools, brokenFor: "second"));
        Tools.Echo("first").Echo("second");

        var result = await engine.RunAsync(Sequential("wf", Tool("first"), Tool("second"))).WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("registry unavailable");
        result.Step("first")!.Status.Should().Be(StepStatus.Completed);
    }

    [Fact]
    public async Task A_fault_inside_a_nested_workflow_fails_its_step_in_the_parent()
    {
        var engine = EngineWith(new BrokenRegistry(Tools, brokenFor: "inner"));
        Tools.Echo("inner").Echo("after");
        var wf = Sequential("outer", Nested("sub", Sequential("sub", Tool("inner"))), Tool("after"));

        var result = await engine.RunAsync(wf).WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("step 'sub' failed").And.Contain("registry unavailable");
        Tools.Calls("after").Should().Be(0);
    }

    [Fact]
    public async Task Run_ids_that_differ_only_in_characters_unfit_for_actor_names_start_separate_runs()
    {
        var ids = new Queue<string>(["order/42", "order_42"]);
        var engine = new WorkflowEngine(Sys, new WorkflowServices { Agents = Agents, Tools = Tools },
            WorkflowEngineOptions.Default.WithRunIdGenerator(() => ids.Dequeue()) with { ControlTimeout = TimeSpan.FromSeconds(3) },
            runsActorName: "id-workflows");
        var gate = new TaskCompletionSource();
        Tools.WaitsFor("hold", gate.Task);

        var first = await engine.StartAsync(Sequential("wf", Tool("hold")));
        var second = await engine.StartAsync(Sequential("wf", Tool("hold")));
        gate.SetResult();

        first.Id.Should().Be("order/42");
        second.Id.Should().Be("order_42");
        (await Finished(first)).Status.Should().Be(RunStatus.Completed);
        (await Finished(second)).Status.Should().Be(RunStatus.Completed);
    }

    private WorkflowEngine EngineWith(IToolRegistry tools) =>
        new(Sys, new WorkflowServices { Agents = Agents, Tools = tools }, runsActorName: "faulty-workflows");

    /// <summary>Throws when asked for one tool, as a registry backed by an unavailable service would.</summary>
    private sealed class BrokenRegistry(IToolRegistry inner, string brokenFor) : IToolRegistry
    {
        private int _lookups;

        // The first lookup is the validation's, at the start; the fault is to hit the step, when it starts.
        public ITool? Find(string name) =>
            name == brokenFor && Interlocked.Increment(ref _lookups) > 1 ? throw new InvalidOperationException("registry unavailable") : inner.Find(name);

        public IReadOnlyCollection<ITool> All => inner.All;
    }
}
