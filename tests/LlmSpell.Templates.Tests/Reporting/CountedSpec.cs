using LlmSpell.Templates.Reporting;

namespace LlmSpell.Templates.Tests.Reporting;

public sealed class CountedSpec
{
    [Theory]
    [InlineData(0, "step", "0 steps")]
    [InlineData(1, "step", "1 step")]
    [InlineData(2, "step", "2 steps")]
    [InlineData(1, "branch", "1 branch")]
    [InlineData(3, "branch", "3 branches")]
    [InlineData(1, "iteration", "1 iteration")]
    [InlineData(1, "attempt", "1 attempt")]
    public void A_count_takes_its_noun_in_the_right_number(long n, string noun, string expected) =>
        Counted.Of(n, noun).Should().Be(expected);

    [Fact]
    public void A_one_step_run_s_summary_says_1_step_executed()
    {
        var result = new LlmSpell.Workflows.Results.WorkflowResult
        {
            RunId = "r",
            WorkflowName = "one",
            Status = LlmSpell.Workflows.Results.RunStatus.Completed,
            Duration = TimeSpan.FromMilliseconds(5),
            Steps = [],
        };
        var steps = StepRecord.From([new LlmSpell.Workflows.Results.StepResult
        {
            Name = "a", Key = "a", Kind = LlmSpell.Workflows.Definitions.StepKind.Tool,
            Status = LlmSpell.Workflows.Results.StepStatus.Completed, Attempts = 1, Tool = "uuid",
        }], null, new Dictionary<string, string>(), null);
        var input = new WorkflowReportInput
        {
            Result = result, Definition = new LlmSpell.Workflows.Definitions.WorkflowDefinition { Name = "one" }, ModeName = "sequential", Steps = steps,
        };

        WorkflowReport.Summary(input, RunTally.Of(steps)).Should().Contain("1 step executed, 1 succeeded, 0 failed.");
    }
}
