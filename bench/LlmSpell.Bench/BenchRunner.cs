using System.Globalization;
using System.Text.Json;
using LlmSpell.Bench.Cli;
using LlmSpell.Bench.Cluster;
using LlmSpell.Bench.Actors;
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
        ["seq"] = ("sequential workflow of --n no-op steps (--store none|memory|sqlite: durable runs): p50_us, p99_us", WorkflowShapeBench.SeqAsync),
        ["fanout"] = ("parallel workflow of --n branches, then join: p50_us, p99_us", WorkflowShapeBench.FanoutAsync),
        ["loop"] = ("loop of --n iterations over one step: p50_us, p99_us", WorkflowShapeBench.LoopAsync),
        ["conc"] = ("--n concurrent runs of 3 steps awaiting 50 ms: wall_ms, rss_mb", WorkflowShapeBench.ConcAsync),
        ["cli-startup"] = ("whole llmspell processes: template list (target p50 <= 150 ms) and a one-tool-step template exec: p50_ms, p90_ms", CliStartupBench.RunAsync),
        ["llm-overhead"] = ("agent calls to a loopback Ollama answering at once: overhead_us over raw HTTP p50, calls_per_s at --concurrency 4", LlmOverheadBench.RunAsync),
        ["journal"] = ("--store sqlite|postgres: Persist of one actor, PersistAll batches, 100 actors at once: events_per_s", JournalBench.RunAsync),
        ["local-llm"] = ("--model PATH: a GGUF through the local/… provider and LLamaSharp's raw executor in one run: load_ms, prompt/gen tokens_per_s, peak_rss_mb, --parallel 4 speedup", LocalLlmBench.RunAsync),
        ["lua"] = ("Lua scripting: loop iterations_per_s under the budget hook; us per Lua step (--n steps per run, --runs R; --tool 1: a .NET tool step instead)", LuaBench.RunAsync),
        ["cluster-ask"] = ("--pg CONN or a throwaway PostgreSQL: status asks from one node to a run on another through the cluster inbox (target p50 <= 5 ms): p50_us, p99_us", ClusterAskBench.RunAsync),
        ["cluster"] = ("3 node processes on PostgreSQL: runs_per_s of --n runs of --steps agent steps; failover_ms from SIGKILL to the run resumed (target <= 2 x lease expiry)", Cluster.ClusterBench.RunAsync),
        ["validate"] = ("parse and validate a JSON definition of --n steps (default 100000; target <= 2 s): best_ms", Definitions.DefinitionBench.ValidateAsync),
        ["render"] = ("render a templated string of --kb KB (default 1024; target <= 100 ms): best_ms per case", Definitions.DefinitionBench.RenderAsync),
        ["fuzz"] = ("--n hostile definitions (default 10000, --seed S): internal_errors, hangs, peak_rss_mb (target 0, 0, <= 512)", Definitions.FuzzBench.RunAsync),
        ["recovery"] = ("--store sqlite|postgres: --n events replayed into one actor: events_per_s", RecoveryBench.RunAsync),
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
