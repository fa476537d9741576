using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Tests.Definitions;

/// <summary>Issue 21: definitions written to break the parser or the runtime end as located validation errors, or work.</summary>
public sealed class HostileDefinitionSpec
{
    private const string Calculator = """{"name": "calc", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1+1"}}""";

    private static IReadOnlyList<ValidationError> ErrorsOfJson(string json) =>
        FluentActions.Invoking(() => WorkflowParser.ParseJson(json)).Should().Throw<WorkflowValidationException>().Which.Errors;

    [Theory]
    [InlineData("""{"config": {"timeout_ms": 4294967295}, "steps": [STEP]}""", "$.config.timeout_ms", "4294967294 ms")]
    [InlineData("""{"config": {"timeout_s": 1e8}, "steps": [STEP]}""", "$.config.timeout_s", "4294967.294 s")]
    [InlineData("""{"config": {"step_timeout_ms": 1e11}, "steps": [STEP]}""", "$.config.step_timeout_ms", "4294967294 ms")]
    [InlineData("""{"type": "parallel", "timeout": 1e9, "steps": [STEP]}""", "$.timeout", "4294967.294 s")]
    [InlineData("""{"steps": [{"name": "w", "step_type": "wait", "signal": "go", "timeout_ms": 1e12}]}""", "$.steps[0].timeout_ms", "4294967294 ms")]
    [InlineData("""{"type": "parallel", "branches": [{"name": "b", "timeout_s": 5e6, "steps": [STEP]}]}""", "$.branches[0].timeout_s", "4294967.294 s")]
    [InlineData("""{"type": "loop", "loop": {"range": {"end": 2}, "delay_ms": 5e9}, "steps": [STEP]}""", "$.loop.delay_ms", "4294967294 ms")]
    [InlineData("""{"steps": [{"name": "r", "step_type": "tool", "tool": "calculator", "retry": {"initial_backoff_ms": 5e9, "max_backoff_ms": 6e9}}]}""", "$.steps[0].retry.initial_backoff_ms", "4294967294 ms")]
    [InlineData("""{"steps": [{"name": "r", "step_type": "tool", "tool": "calculator", "retry": {"max_backoff_ms": 5e9}}]}""", "$.steps[0].retry.max_backoff_ms", "4294967294 ms")]
    public void Durations_a_timer_cannot_wait_are_refused_where_they_are_written(string json, string path, string limit)
    {
        ErrorsOfJson(json.Replace("STEP", Calculator)).Should().ContainSingle(e => e.Path == path)
            .Which.Message.Should().Contain($"at most {limit}").And.Contain("49.7 days");
    }

    [Theory]
    [InlineData("""{"name": "s", "step_type": "tool", "retry": {"max_attempts": 1001}}""", "$.steps[0].retry.max_attempts", "at most 1000")]
    [InlineData("""{"name": "s", "step_type": "tool", "retry": {"multiplier": 1e6}}""", "$.steps[0].retry.multiplier", "at most 1000")]
    [InlineData("""{"name": "s", "step_type": "agent", "max_tokens": 20000000}""", "$.steps[0].max_tokens", "at most 10000000")]
    public void Every_numeric_step_setting_has_an_upper_bound(string step, string path, string message)
    {
        ErrorsOfJson($$"""{"steps": [{{step}}]}""").Should().ContainSingle(e => e.Path == path).Which.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData("""{"type": "parallel", "config": {"max_concurrency": 10001}, "steps": [STEP]}""", "$.config.max_concurrency")]
    [InlineData("""{"type": "loop", "loop": {"range": {"end": 2}, "max_iterations": 1000001}, "steps": [STEP]}""", "$.loop.max_iterations")]
    [InlineData("""{"type": "loop", "loop": {"range": {"end": 2}, "aggregation": {"last_n": 1000001}}, "steps": [STEP]}""", "$.loop.aggregation.last_n")]
    public void Every_numeric_workflow_setting_has_an_upper_bound(string json, string path)
    {
        ErrorsOfJson(json.Replace("STEP", Calculator)).Should().ContainSingle(e => e.Path == path)
            .Which.Message.Should().Contain("must be at most");
    }

    [Fact]
    public void A_retry_with_no_backoff_and_a_huge_multiplier_waits_nothing_instead_of_NaN()
    {
        var policy = new RetryPolicy { MaxAttempts = 1000, InitialBackoff = TimeSpan.Zero, Multiplier = 1000, Jitter = 1 };
        for (var attempt = 2; attempt <= 1000; attempt += 97) policy.BackoffBefore(attempt, 0.99).Should().Be(TimeSpan.Zero);
        var growing = policy with { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = DefinitionLimits.MaxDuration };
        growing.BackoffBefore(1000, 0.5).Should().Be(DefinitionLimits.MaxDuration);
        WorkflowValidator.Validate(new WorkflowDefinition
        {
            Name = "w",
            Steps = [new StepDefinition { Name = "s", Kind = StepKind.Tool, Tool = new(), Retry = policy with { Multiplier = double.NaN } }],
        }).Should().ContainSingle().Which.Path.Should().Be("$.steps[0].retry.multiplier");
    }
}
