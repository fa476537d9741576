using System.Globalization;
using System.Reflection;
using System.Text.Json;
using LlmSpell.Bench.Cli;
using LlmSpell.Bench.Actors;
using LlmSpell.Bench.Cluster;
using LlmSpell.Bench.Llm;
using LlmSpell.Bench.Persistence;
using LlmSpell.Bench.Scripting;
using LlmSpell.Bench.Workflows;

namespace LlmSpell.Bench;

/// <summary>Dispatches <c>&lt;name&gt; [--n N] [--runs R] [--key value …]</c> to a benchmark; each prints JSON lines.</summary>
public static class BenchRunner
{
    private static readonly Dictionary<string, (string Description, Func<BenchArgs, Task> Run)> Benchmarks = new()
    {
        ["pingpong"] = ("Akka.NET actor pairs exchanging messages (reference): msgs_per_s", PingPongBench.RunAsync),
        ["spawn"] = ("Akka.NET actors created and started per second: actors_per_s", SpawnBench.RunAsync),
        ["idle-memory"] = ("heap bytes per idle Akka.NET actor: bytes_per_actor", IdleMemoryBench.RunAsync),
        ["seq"] = ("sequential workflow of --n no-op steps (--store sqlite|postgres: durable runs on Akka.Persistence.Sql; target p50 <= 5 ms for --n 10 on SQLite): p50_us, p99_us", WorkflowShapeBench.SeqAsync),
        ["fanout"] = ("parallel workflow of --n branches, then join: p50_us, p99_us", WorkflowShapeBench.FanoutAsync),
        ["fanout-scale"] = ("parallel workflows of --n and 2 x --n branches, durable (--store sqlite|memory|none): p50_ms of each and their ratio (target <= 2.2)", WorkflowShapeBench.FanoutScaleAsync),
        ["loop"] = ("loop of --n iterations over one step: p50_us, p99_us", WorkflowShapeBench.LoopAsync),
        ["conc"] = ("--n concurrent runs of 3 steps awaiting 50 ms: wall_ms, rss_mb", WorkflowShapeBench.ConcAsync),
        ["cli-startup"] = ("whole llmspell processes: template list (target p50 <= 150 ms) and a one-tool-step template exec: p50_ms, p90_ms", CliStartupBench.RunAsync),
        ["llm-overhead"] = ("agent calls to a loopback Ollama answering at once: overhead_us over raw HTTP p50, calls_per_s at --concurrency 4", LlmOverheadBench.RunAsync),
        ["journal"] = ("--store sqlite|postgres: Akka.Persistence.Sql writes of run events: one actor, PersistAll batches, 100 actors at once, 100 durable runs at once (target concurrent >= 20k/s SQLite, >= 10k/s PostgreSQL): events_per_s", JournalBench.RunAsync),
        ["local-llm"] = ("--model PATH: a GGUF through the local/… provider and LLamaSharp's raw executor in one run: load_ms, prompt/gen tokens_per_s, peak_rss_mb, --parallel 4 speedup", LocalLlmBench.RunAsync),
        ["lua"] = ("Lua scripting: loop iterations_per_s under the budget hook; us per Lua step (--n steps per run, --runs R; --tool 1: a .NET tool step instead)", LuaBench.RunAsync),
        ["recovery"] = ("--store sqlite|postgres: a run of --n events recovered by a persistent actor and resumed by the engine (target >= 100k events/s): events_per_s", RecoveryBench.RunAsync),
        ["workflow-show"] = ("history of a 10-event run among --other 100k events: engine.GetHistoryAsync and the llmspell workflow show process (target process wall <= 150 ms): p50_ms", QueryBench.ShowAsync),
        ["kill9"] = ("--n 100 SIGKILLs at random points of a process running durable runs on SQLite: completed_steps_rerun, unreadable_journals (target 0 and 0)", Kill9Bench.RunAsync),
        ["kill9-host"] = ("(used by kill9) the process it kills: runs or resumes --run ID of --steps tool steps on --dir DIR/llmspell.db", Kill9Bench.HostAsync),
        ["workflow-list"] = ("--n 1000 finished runs: engine.ListRunsAsync and the llmspell workflow list process (target <= 300 ms): p50_ms", QueryBench.ListAsync),
        ["cluster-start"] = ("StartRun -> RunAccepted from an app node to a runs node through a shard-region proxy, --n starts (--store sqlite|postgres; target p50 <= 2 ms): p50_ms, p90_ms", ClusterStartBench.RunAsync),
        ["cluster-throughput"] = ("--nodes 1|3 real node processes, --runs 300 runs of 3 agent steps at once from an app node, model answering in 50 ms (--store sqlite|postgres, --repeat R batches; target 3 nodes >= 2x the runs/s of 1): seconds, runs_per_s", ClusterThroughputBench.RunAsync),
        ["cluster-failover"] = ("--n rounds of SIGKILL to the node of a run mid-step among 3 node processes, until the survivor sends that step's request again (--store sqlite|postgres; target p50 <= 10 s): p50_s, p90_s, max_s", ClusterFailoverBench.RunAsync),
        ["validate"] = ("parse and validate a JSON definition of --n steps (default 100000; target <= 2 s): best_ms", Definitions.DefinitionBench.ValidateAsync),
        ["render"] = ("render a templated string of --kb KB (default 1024; target <= 100 ms): best_ms per case", Definitions.DefinitionBench.RenderAsync),
        ["fuzz"] = ("--n hostile definitions (default 10000, --seed S): internal_errors, hangs, peak_rss_mb (target 0, 0, <= 512)", Definitions.FuzzBench.RunAsync),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" || !Benchmarks.TryGetValue(args[0], out var bench))
        {
            Console.Error.WriteLine("usage: LlmSpell.Bench <name> [--n N] [--runs R] [--key value ...]");
            foreach (var (name, (description, _)) in Benchmarks) Console.Error.WriteLine($"  {name,-14} {description}");
            return args.Length == 0 || args[0] is "-h" or "--help" ? 0 : 2;
        }
        BenchArgs parsed;
        try
        {
            parsed = BenchArgs.Parse(args[1..]);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        await bench.Run(parsed);
        return 0;
    }

    /// <summary>The built CLI of the bench's configuration (<c>--dll PATH</c> overrides it, e.g. a published one).</summary>
    public static string CliDllPath(BenchArgs args) => args.String("dll", typeof(BenchRunner).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LlmSpellCliDll").Value!);

    /// <summary>The peak resident set (VmHWM) of this process or of process <paramref name="pid"/>, in MB; 0 where /proc has none.</summary>
    public static double PeakRssMb(int? pid = null)
    {
        var status = $"/proc/{(pid is { } id ? id.ToString(CultureInfo.InvariantCulture) : "self")}/status";
        try
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : Math.Round(double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process has ended (or there is no /proc).
            return 0;
        }
    }

    /// <summary>Prints one measurement as a JSON line.</summary>
    public static void Emit(object measurement) => Console.WriteLine(JsonSerializer.Serialize(measurement));
}

/// <summary>Options of a benchmark run: <c>--key value</c> pairs.</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values;

    private BenchArgs(Dictionary<string, string> values) => _values = values;

    public static BenchArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new FormatException($"expected '--key value' at argument {i + 1} ('{args[i]}')");
            values[args[i][2..]] = args[++i];
        }
        return new BenchArgs(values);
    }

    public int Int(string key, int fallback)
    {
        if (!_values.TryGetValue(key, out var raw)) return fallback;
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new FormatException($"--{key} must be a positive whole number, got '{raw}'");
    }

    public string String(string key, string fallback) => _values.GetValueOrDefault(key, fallback);
}
