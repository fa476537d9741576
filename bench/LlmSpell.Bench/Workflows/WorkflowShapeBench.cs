using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Bench.Persistence;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Bench.Workflows;

/// <summary>
/// Engine overhead per workflow shape, with no-op tool steps and in-memory state:
/// <c>seq</c>, <c>fanout</c>, <c>loop</c> print per-run latency percentiles; <c>conc</c> runs many
/// workflows at once whose steps each await 50 ms, and prints wall time and resident memory.
/// <c>--store sqlite</c> (or <c>postgres</c>, see <see cref="BenchStore"/>) makes the runs durable: each run is a persistent actor
/// on Akka.Persistence.Sql (SQLite file in a temp directory, WAL), every event journaled before it is published.
/// </summary>
public static class WorkflowShapeBench
{
    public static Task SeqAsync(BenchArgs args) => LatencyAsync("seq", args, 10, n => new WorkflowDefinition
    {
        Name = "seq",
        Steps = Enumerable.Range(1, n).Select(i => NoOp($"s{i}")).ToArray(),
    });

    public static Task FanoutAsync(BenchArgs args) => LatencyAsync("fanout", args, 100, Fanout);

    private static WorkflowDefinition Fanout(int n) => new()
    {
        Name = "fanout",
        Type = WorkflowType.Parallel,
        Branches = Enumerable.Range(1, n).Select(i => new BranchDefinition { Name = $"b{i}", Steps = [NoOp($"s{i}")] }).ToArray(),
        Config = WorkflowConfig.Default with { MaxConcurrency = n },
    };

    /// <summary>
    /// Whether a parallel fan-out grows linearly: runs of --n and of 2 × --n branches taken in turns (--runs each, after
    /// one of each to warm up), durable by default as the CLI's runs are; prints both medians and their ratio (2.0 is
    /// linear; target ≤ 2.2).
    /// </summary>
    public static async Task FanoutScaleAsync(BenchArgs args)
    {
        var n = args.Int("n", 5000);
        var runs = args.Int("runs", 3);
        var store = args.String("store", "sqlite");
        await using var durable = store == "none" ? null : await BenchStore.OpenAsync(args);
        using var system = durable?.NewSystem() ?? ActorSystem.Create("bench", "akka.loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        var engine = durable is null ? NewEngine(system, new NoOpTool()) : DurableEngine(system, new NoOpTool());
        WorkflowDefinition small = Fanout(n), large = Fanout(2 * n);
        await RunCheckedAsync(engine, small);
        await RunCheckedAsync(engine, large);
        var (smallMs, largeMs) = (new double[runs], new double[runs]);
        for (var i = 0; i < runs; i++)
        {
            smallMs[i] = await TimeAsync(engine, small);
            largeMs[i] = await TimeAsync(engine, large);
        }
        Array.Sort(smallMs);
        Array.Sort(largeMs);
        var (p50Small, p50Large) = (Percentile(smallMs, 0.5), Percentile(largeMs, 0.5));
        BenchRunner.Emit(new
        {
            shape = "fanout-scale", n, n2 = 2 * n, store, runs,
            p50_ms = Math.Round(p50Small, 1), p50_2n_ms = Math.Round(p50Large, 1), ratio = Math.Round(p50Large / p50Small, 2),
        });
    }

    private static async Task<double> TimeAsync(WorkflowEngine engine, WorkflowDefinition definition)
    {
        var start = Stopwatch.GetTimestamp();
        await RunCheckedAsync(engine, definition);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public static Task LoopAsync(BenchArgs args) => LatencyAsync("loop", args, 100, n => new WorkflowDefinition
    {
        Name = "loop",
        Type = WorkflowType.Loop,
        Steps = [NoOp("body")],
        Loop = new LoopSpec { Iterator = new RangeIterator(0, n, 1), MaxIterations = n, Aggregation = LoopAggregation.None },
    });

    private static StepDefinition NoOp(string name) =>
        new() { Name = name, Kind = StepKind.Tool, Tool = new ToolStepSpec { ToolName = "noop" } };

    private static async Task LatencyAsync(string shape, BenchArgs args, int defaultN, Func<int, WorkflowDefinition> build)
    {
        var n = args.Int("n", defaultN);
        var runs = args.Int("runs", 2000);
        var warmup = args.Int("warmup", Math.Max(200, runs / 5));
        var store = args.String("store", "none");
        await using var durable = store == "none" ? null : await BenchStore.OpenAsync(args);
        using var system = durable?.NewSystem() ?? ActorSystem.Create("bench", "akka.loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        var engine = durable is null ? NewEngine(system, new NoOpTool()) : DurableEngine(system, new NoOpTool());
        var definition = build(n);
        for (var i = 0; i < warmup; i++) await RunCheckedAsync(engine, definition);
        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await RunCheckedAsync(engine, definition);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        BenchRunner.Emit(new { shape, n, store, runs, p50_us = Math.Round(Percentile(samples, 0.50), 1), p99_us = Math.Round(Percentile(samples, 0.99), 1) });
    }

    public static async Task ConcAsync(BenchArgs args)
    {
        var n = args.Int("n", 1000);
        var delayMs = args.Int("delay-ms", 50);
        var runs = args.Int("runs", 3);
        using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        var engine = NewEngine(system, new DelayTool(TimeSpan.FromMilliseconds(delayMs)));
        var definition = new WorkflowDefinition
        {
            Name = "conc",
            Steps = [NoOp("a"), NoOp("b"), NoOp("c")],
        };
        await Task.WhenAll(Enumerable.Range(0, Math.Min(n, 100)).Select(_ => RunCheckedAsync(engine, definition))); // warm-up
        for (var r = 0; r < runs; r++)
        {
            GC.Collect();
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, n).Select(_ => RunCheckedAsync(engine, definition)));
            var wall = Stopwatch.GetElapsedTime(start);
            BenchRunner.Emit(new
            {
                shape = "conc", n, steps = 3, step_delay_ms = delayMs, run = r + 1,
                wall_ms = Math.Round(wall.TotalMilliseconds, 1),
                ideal_ms = 3 * delayMs,
                rss_mb = Math.Round(Process.GetCurrentProcess().WorkingSet64 / 1048576.0, 1),
            });
        }
    }

    private static WorkflowEngine NewEngine(ActorSystem system, ITool tool) =>
        new(system, new WorkflowServices { Agents = new NoAgents(), Tools = new ToolRegistry([tool]) });

    /// <summary>A durable engine on the system's journal (<see cref="BenchStore.NewSystem"/>): no resume on start, no live-run marks.</summary>
    internal static WorkflowEngine DurableEngine(ActorSystem system, ITool tool) =>
        new(system, new WorkflowServices { Agents = new NoAgents(), Tools = new ToolRegistry([tool]) },
            WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions().WithResumeOnStart(false)));

    private static async Task RunCheckedAsync(WorkflowEngine engine, WorkflowDefinition definition)
    {
        var result = await engine.RunAsync(definition);
        if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"benchmark run ended {result.Status}: {result.Error}");
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    internal sealed class NoOpTool : ITool
    {
        public string Name => "noop";
        public string Description => "does nothing";
        public JsonObject ParametersSchema => new();
        public Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(null);
    }

    private sealed class DelayTool(TimeSpan delay) : ITool
    {
        public string Name => "noop";
        public string Description => "waits";
        public JsonObject ParametersSchema => new();

        public async Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return null;
        }
    }

    internal sealed class NoAgents : IAgentExecutor
    {
        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the benchmarks without agents use tool and wait steps only");
    }
}
