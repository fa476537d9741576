using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.TestKit;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>
/// The journal failing under a run (Akka.Persistence.TestKit's test journal): the run ends failed with a message naming it,
/// nothing after the failure is recorded, and once the journal works again the run resumes without re-running a recorded step.
/// </summary>
public sealed class JournalFaultSpec() : Akka.TestKit.Xunit2.TestKit(Config)
{
    private static Config Config => ConfigurationFactory.ParseString(WorkflowSerializer.Hocon)
        .WithFallback(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf"));

    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(20);

    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    private static WorkflowDefinition ThreeSteps => new()
    {
        Name = "three",
        Type = WorkflowType.Sequential,
        Steps = [Tool("one"), Tool("two"), Tool("three")],
    };

    private static StepDefinition Tool(string name) => new()
    {
        Name = name,
        Kind = StepKind.Tool,
        Tool = new ToolStepSpec { ToolName = name, Parameters = new System.Text.Json.Nodes.JsonObject() },
    };

    private WorkflowEngine Engine(ScriptedTools tools, string runId) => new(Sys, new WorkflowServices { Tools = tools, Agents = new ScriptedAgents() },
        WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { ResumeOnStart = false }).WithRunIdGenerator(() => runId),
        runsActorName: "runs-" + runId);

    private static bool Completes(IPersistentRepresentation repr, string step) =>
        (repr.Payload is Tagged tagged ? tagged.Payload : repr.Payload) is StepCompleted completed && completed.Step == step;

    [Fact]
    public async Task A_failed_write_ends_the_run_failed_naming_it_and_it_resumes_once_the_journal_is_back()
    {
        var tools = new ScriptedTools().Counts("one").Counts("two").Counts("three");
        var engine = Engine(tools, "f1");
        await Journal.OnWrite.FailIf(repr => Completes(repr, "two"));

        var run = await engine.StartAsync(ThreeSteps);
        var result = await run.Completion.WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("Run 'f1'").And.Contain("llmspell workflow resume f1");
        tools.Calls("three").Should().Be(0, "nothing goes on once the journal cannot record the run");
        var seen = new List<WorkflowEvent>();
        await foreach (var e in run.Events) seen.Add(e);
        seen.OfType<StepCompleted>().Select(c => c.Step).Should().Equal(["one"], "a completion is shown only once it is durable");

        await Journal.OnWrite.Pass();
        var resumed = await (await engine.ResumeAsync("f1")).Completion.WaitAsync(RunLimit);
        resumed.Status.Should().Be(RunStatus.Completed, resumed.Error);
        tools.Calls("one").Should().Be(1, "its completion was recorded before the failure");
        tools.Calls("two").Should().Be(2, "its completion was never recorded: it runs again");
        tools.Calls("three").Should().Be(1);
    }

    [Fact]
    public async Task A_rejected_write_ends_the_run_failed_naming_it_and_it_resumes()
    {
        var tools = new ScriptedTools().Counts("one").Counts("two").Counts("three");
        var engine = Engine(tools, "r1");
        await Journal.OnWrite.RejectIf(repr => Completes(repr, "one"));

        var result = await (await engine.StartAsync(ThreeSteps)).Completion.WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("Run 'r1'").And.Contain("refused");
        tools.Calls("two").Should().Be(0);

        await Journal.OnWrite.Pass();
        var resumed = await (await engine.ResumeAsync("r1")).Completion.WaitAsync(RunLimit);
        resumed.Status.Should().Be(RunStatus.Completed, resumed.Error);
        tools.Calls("one").Should().Be(2, "the refused completion is not in the journal");
    }

    [Fact]
    public async Task A_start_the_journal_cannot_record_is_refused_and_leaves_nothing()
    {
        var tools = new ScriptedTools().Counts("one").Counts("two").Counts("three");
        var engine = Engine(tools, "s1");
        await Journal.OnWrite.Fail();

        var start = () => engine.StartAsync(ThreeSteps);
        (await start.Should().ThrowAsync<RunJournalException>()).Which.Message.Should().Contain("Run 's1'");
        tools.Calls("one").Should().Be(0);

        await Journal.OnWrite.Pass();
        var resume = () => engine.ResumeAsync("s1");
        await resume.Should().ThrowAsync<KeyNotFoundException>("nothing of the refused start was recorded");
    }

    [Fact]
    public async Task A_run_that_cannot_be_recovered_is_refused_naming_it()
    {
        var tools = new ScriptedTools().Counts("one").Hangs("two").Counts("three");
        var engine = Engine(tools, "q1");
        var run = await engine.StartAsync(ThreeSteps);
        await tools.WhenCalled("two").WaitAsync(RunLimit);
        await run.CancelAsync();
        await run.Completion.WaitAsync(RunLimit);
        await Journal.OnRecovery.Fail();

        var resume = () => engine.ResumeAsync("q1");
        (await resume.Should().ThrowAsync<RunJournalException>()).Which.Message.Should().Contain("Run 'q1' cannot be read");
        await Journal.OnRecovery.Pass();
    }
}
