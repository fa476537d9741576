using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmSpell.Hosting.Telemetry;

/// <summary>
/// The traces and metrics of workflow runs: a run is a trace (root activity <c>workflow.run</c>), each step attempt a
/// child span; agent steps carry the OpenTelemetry GenAI attributes. Listen with OpenTelemetry
/// (<c>AddSource("LlmSpell.Workflows")</c>, <c>AddMeter("LlmSpell.Workflows")</c>) or an ActivityListener/MeterListener.
/// </summary>
public static class LlmSpellTelemetry
{
    public const string Name = "LlmSpell.Workflows";

    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("llmspell.runs.started", "{run}", "Runs started (resumed runs included).");
    public static readonly Counter<long> RunsCompleted = Meter.CreateCounter<long>("llmspell.runs.completed", "{run}", "Runs that completed.");
    public static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>("llmspell.runs.failed", "{run}", "Runs that failed or timed out.");
    public static readonly Counter<long> RunsCancelled = Meter.CreateCounter<long>("llmspell.runs.cancelled", "{run}", "Runs that were cancelled.");
    public static readonly UpDownCounter<long> ActiveRuns = Meter.CreateUpDownCounter<long>("llmspell.runs.active", "{run}", "Runs in progress on this node.");
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("llmspell.step.duration", "s", "Duration of step attempts.");
    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>("gen_ai.client.token.usage.total", "{token}", "LLM tokens by gen_ai.token.type (input, output).");

    // Tag and attribute names.
    public const string RunIdTag = "llmspell.run.id";
    public const string WorkflowTag = "llmspell.workflow.name";
    public const string StepTag = "llmspell.step.name";
    public const string StepKeyTag = "llmspell.step.key";
    public const string StepKindTag = "llmspell.step.kind";
    public const string AttemptTag = "llmspell.step.attempt";
    public const string StatusTag = "llmspell.status";
    public const string ToolTag = "llmspell.tool.name";
    public const string GenAiOperation = "gen_ai.operation.name";
    public const string GenAiRequestModel = "gen_ai.request.model";
    public const string GenAiInputTokens = "gen_ai.usage.input_tokens";
    public const string GenAiOutputTokens = "gen_ai.usage.output_tokens";
    public const string GenAiTokenType = "gen_ai.token.type";
}
