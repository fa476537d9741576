using System.Diagnostics;
using LlmSpell.Llm.Local.Inference;

namespace LlmSpell.Bench.Llm;

/// <summary>
/// The pure-C# llama engine on a GGUF model (<c>--model PATH</c>): <c>load_ms</c> (first load in this process, JIT
/// included, and the median of warm reloads), <c>prompt_tokens_per_s</c> and <c>gen_tokens_per_s</c> for greedy
/// generation of <c>--tokens</c> (default 128) new tokens, median over <c>--runs</c> (default 15) after a 0.5 s warm-up.
/// Targets on stories260K with 2 cores: ≥ 1,200 generated tokens/s, load &lt; 50 ms.
/// </summary>
public static class LocalLlmBench
{
    private const string Prompt = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends.";

    public static Task RunAsync(BenchArgs args)
    {
        var path = args.String("model", "");
        if (path.Length == 0) throw new FormatException("--model PATH is required (a llama GGUF, e.g. shared/models/stories260K.gguf)");
        var runs = args.Int("runs", 15);
        var tokens = args.Int("tokens", 128);
        // 0 forces every matrix-vector product onto all cores, to measure whether splitting pays on this model.
        var threshold = args.String("parallel-threshold", "");
        if (threshold.Length > 0) LlmSpell.Llm.Local.Inference.Kernels.ParallelThreshold = long.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture);

        var clock = Stopwatch.StartNew();
        var model = LlamaModel.Load(path);
        var coldLoadMs = clock.Elapsed.TotalMilliseconds;
        var processMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        var warmLoads = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            model = LlamaModel.Load(path);
            warmLoads.Add(clock.Elapsed.TotalMilliseconds);
        }

        var prompt = model.Tokenizer.Encode(Prompt).ToArray();
        var session = model.CreateSession(prompt.Length + tokens + 1);
        var output = new int[tokens];
        // Warm-up: enough calls, and time, for tiered JIT to promote the hot methods to optimised code.
        var warmupClock = Stopwatch.StartNew();
        while (warmupClock.ElapsedMilliseconds < 500)
        {
            session.Reset();
            session.GenerateGreedy(prompt, output, tokens, stopAtEos: false);
        }

        var promptRates = new List<double>();
        var genRates = new List<double>();
        var gen0 = GC.CollectionCount(0);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var r = 0; r < runs; r++)
        {
            session.Reset();
            clock.Restart();
            ReadOnlySpan<float> logits = default;
            foreach (var t in prompt) logits = session.Forward(t);
            var promptSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            for (var n = 0; n < tokens; n++)
            {
                var next = ArgMax(logits);
                output[n] = next;
                if (n + 1 < tokens) logits = session.Forward(next);
            }
            var genSeconds = clock.Elapsed.TotalSeconds;
            promptRates.Add(prompt.Length / promptSeconds);
            genRates.Add(tokens / genSeconds);
        }
        var allocatedPerRun = (GC.GetAllocatedBytesForCurrentThread() - allocated) / runs;

        BenchRunner.Emit(new
        {
            bench = "local-llm",
            model = Path.GetFileName(path),
            load_ms = Math.Round(coldLoadMs, 2),
            process_ms_at_load = Math.Round(processMs),
            warm_load_ms = Math.Round(Median(warmLoads), 2),
            prompt_tokens = prompt.Length,
            prompt_tokens_per_s = Math.Round(Median(promptRates)),
            new_tokens = tokens,
            gen_tokens_per_s = Math.Round(Median(genRates)),
            gen_tokens_per_s_best = Math.Round(genRates.Max()),
            bytes_allocated_per_run = allocatedPerRun,
            gen0_collections = GC.CollectionCount(0) - gen0,
            runs,
            cores = Environment.ProcessorCount,
            parallel_threshold = LlmSpell.Llm.Local.Inference.Kernels.ParallelThreshold,
        });
        return Task.CompletedTask;
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++)
            if (x[i] > x[best]) best = i;
        return best;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
