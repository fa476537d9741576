using System.Diagnostics;
using System.Text;
using LlmSpell.Llm;
using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Provider;
using LLama;
using LLama.Common;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace LlmSpell.Bench.Llm;

/// <summary>
/// A GGUF model (<c>--model PATH</c>) through the <c>local/…</c> provider and, in the same run, through LLamaSharp's own
/// <see cref="StatelessExecutor"/>, both greedy for <c>--tokens</c> (default 128) new tokens after a 282-token prompt,
/// median over <c>--runs</c> (default 5), <c>--threads</c> (default: one per core). Lines: <c>provider</c> (load_ms, prompt and generation tok/s, peak RSS),
/// <c>raw-executor</c>, <c>parallel</c> and <c>parallel-short-prompt</c> (<c>--parallel</c> (default 4) concurrent requests:
/// aggregate tok/s against one's, with the long prompt and with "Once upon a time"),
/// and <c>summary</c> (ratios, load average). Targets on the ~104M Q4_0 model with 2 cores: provider ≥ 0.95× raw,
/// prompt ≥ 700 tok/s, load ≤ 150 ms, peak RSS ≤ 200 MB, parallel ≥ 2.5×; stories260K ≥ 2,000 tok/s.
/// </summary>
public static class LocalLlmBench
{
    private const string Sentence = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. ";

    public static async Task RunAsync(BenchArgs args)
    {
        var path = Path.GetFullPath(args.String("model", ""));
        if (args.String("model", "").Length == 0) throw new FormatException("--model PATH is required (a GGUF, e.g. shared/models/stories260K.gguf)");
        var runs = args.Int("runs", 5);
        var tokens = args.Int("tokens", 128);
        var parallel = args.Int("parallel", 4);
        var modelOptions = args.String("threads", "") is { Length: > 0 } t
            ? LocalModelOptions.Default.WithThreads(int.Parse(t, System.Globalization.CultureInfo.InvariantCulture))
            : LocalModelOptions.Default;
        var prompt = string.Concat(Enumerable.Repeat(Sentence, 8));
        var spec = ModelSpec.Parse("local/" + path);

        var clock = Stopwatch.StartNew();
        var backend = NativeBackend.EnsureLoaded();
        var nativeMs = clock.Elapsed.TotalMilliseconds;

        // Cold load through the provider (first model in this process), then warm reloads.
        clock.Restart();
        var local = new LocalModelProvider(options: modelOptions);
        var provider = new ChatClientProvider(LlmProviderOptions.Default.WithLocalModels(local), environment: _ => null);
        var client = provider.GetClient(spec);
        var loadMs = clock.Elapsed.TotalMilliseconds;
        var warmLoads = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            provider.Dispose();
            local.Dispose();
            clock.Restart();
            local = new LocalModelProvider(options: modelOptions);
            provider = new ChatClientProvider(LlmProviderOptions.Default.WithLocalModels(local), environment: _ => null);
            client = provider.GetClient(spec);
            warmLoads.Add(clock.Elapsed.TotalMilliseconds);
        }
        var model = client.GetService<LocalModel>()!;
        var options = new ChatOptions { MaxOutputTokens = tokens, Temperature = 0 };

        await MeasureAsync(() => ProviderRunAsync(client, prompt, options), 1);
        var single = await MeasureAsync(() => ProviderRunAsync(client, prompt, options), runs);
        var rssSingleMb = BenchRunner.PeakRssMb();
        Emit("provider", path, single, new
        {
            backend,
            native_load_ms = Math.Round(nativeMs, 1),
            load_ms = Math.Round(loadMs, 1),
            warm_load_ms = Math.Round(Median(warmLoads), 1),
            context_per_sequence = model.ContextSize,
            max_sequences = model.Options.MaxSequences,
            peak_rss_mb = rssSingleMb,
        });

        // Parallel steps: the same requests at once on the one loaded model, with the long prompt and with an agent
        // step's short one (where batched generation, not the prompts, takes the time).
        var parallelLong = await ParallelAsync(client, model, "parallel", path, prompt, options, parallel, runs, single);
        var shortPrompt = "Once upon a time";
        var singleShort = await MeasureAsync(() => ProviderRunAsync(client, shortPrompt, options), runs);
        var parallelShort = await ParallelAsync(client, model, "parallel-short-prompt", path, shortPrompt, options, parallel, runs, singleShort);
        provider.Dispose();
        local.Dispose();

        // LLamaSharp's own executor on the same file, same threads and context.
        var threads = modelOptions.ResolveThreads();
        var parameters = new ModelParams(path) { ContextSize = (uint)model.ContextSize, Threads = threads, BatchThreads = threads, BatchSize = (uint)model.ContextSize };
        clock.Restart();
        using var weights = LLamaWeights.LoadFromFile(parameters);
        var rawWeightsMs = clock.Elapsed.TotalMilliseconds;
        var executor = new StatelessExecutor(weights, parameters);
        var rawPromptTokens = weights.Tokenize(prompt, true, false, Encoding.UTF8).Length;
        await MeasureAsync(() => RawRunAsync(executor, prompt, rawPromptTokens, tokens), 1);
        var raw = await MeasureAsync(() => RawRunAsync(executor, prompt, rawPromptTokens, tokens), runs);
        Emit("raw-executor", path, raw, new { backend, weights_load_ms = Math.Round(rawWeightsMs, 1) });

        BenchRunner.Emit(new
        {
            bench = "local-llm",
            path = "summary",
            model = Path.GetFileName(path),
            gen_vs_raw = Math.Round(single.Generation / raw.Generation, 3),
            prompt_vs_raw = Math.Round(single.Prompt / raw.Prompt, 3),
            parallel_speedup = parallelLong,
            parallel_short_prompt_speedup = parallelShort,
            load_ms = Math.Round(loadMs, 1),
            peak_rss_mb_provider = rssSingleMb,
            load_average = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            cores = Environment.ProcessorCount,
        });
    }

    /// <summary>Emits one parallel line; returns the end-to-end speedup of <paramref name="requests"/> at once over one alone.</summary>
    private static async Task<double> ParallelAsync(IChatClient client, LocalModel model, string name, string path, string prompt, ChatOptions options, int requests, int runs, Rates one)
    {
        var aggregate = new List<double>();
        var aggregateGeneration = new List<double>();
        for (var r = 0; r < Math.Max(1, runs / 2); r++)
        {
            var clock = Stopwatch.StartNew();
            var all = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => ProviderRunAsync(client, prompt, options, clock)));
            aggregate.Add(all.Sum(a => a.Generated) / clock.Elapsed.TotalSeconds);
            // The generation phase: from the last request's first piece (every prompt decoded) to the last piece.
            var lastFirst = all.Max(a => a.PieceTimes[0]);
            var end = all.Max(a => a.PieceTimes[^1]);
            aggregateGeneration.Add(all.Sum(a => a.PieceTimes.Count(t => t > lastFirst)) / (end - lastFirst));
        }
        var speedup = Math.Round(Median(aggregate) / one.EndToEnd, 2);
        BenchRunner.Emit(new
        {
            bench = "local-llm",
            path = name,
            model = Path.GetFileName(path),
            requests,
            prompt_tokens = one.PromptTokens,
            aggregate_tokens_per_s = Math.Round(Median(aggregate), 1),
            one_request_tokens_per_s = Math.Round(one.EndToEnd, 1),
            speedup,
            generation_phase_tokens_per_s = Math.Round(Median(aggregateGeneration), 1),
            generation_phase_speedup = Math.Round(Median(aggregateGeneration) / one.Generation, 2),
            peak_batch_sequences = model.PeakBatchSequences,
            peak_rss_mb = BenchRunner.PeakRssMb(),
        });
        return speedup;
    }

    private sealed record Run(int PromptTokens, int Generated, double PromptSeconds, double GenerationSeconds, double TotalSeconds)
    {
        /// <summary>When each streamed piece arrived, on the caller's clock (parallel runs share one).</summary>
        public IReadOnlyList<double> PieceTimes { get; init; } = [];
    }

    private sealed record Rates(int PromptTokens, int Generated, double Prompt, double Generation, double EndToEnd, double GenerationBest);

    /// <summary>Prompt time = start to the first token (the prompt's batch and the first token's sampling); generation = the tokens after it.</summary>
    private static async Task<Run> ProviderRunAsync(IChatClient client, string prompt, ChatOptions options, Stopwatch? shared = null)
    {
        var clock = Stopwatch.StartNew();
        double first = 0;
        var pieces = 0;
        var times = new List<double>();
        UsageDetails? usage = null;
        await foreach (var update in client.GetStreamingResponseAsync(prompt, options))
        {
            if (pieces++ == 0) first = clock.Elapsed.TotalSeconds;
            if (update.Text.Length > 0) times.Add((shared ?? clock).Elapsed.TotalSeconds);
            foreach (var c in update.Contents)
                if (c is UsageContent u) usage = u.Details;
        }
        var total = clock.Elapsed.TotalSeconds;
        return new Run((int)usage!.InputTokenCount!, (int)usage.OutputTokenCount!, first, total - first, total) { PieceTimes = times };
    }

    private static async Task<Run> RawRunAsync(StatelessExecutor executor, string prompt, int promptTokens, int tokens)
    {
        var clock = Stopwatch.StartNew();
        double first = 0;
        var pieces = 0;
        var text = new StringBuilder();
        await foreach (var piece in executor.InferAsync(prompt, new InferenceParams { MaxTokens = tokens, SamplingPipeline = new GreedySamplingPipeline() }))
        {
            if (pieces++ == 0) first = clock.Elapsed.TotalSeconds;
            text.Append(piece);
        }
        var total = clock.Elapsed.TotalSeconds;
        return new Run(promptTokens, pieces, first, total - first, total);
    }

    private static async Task<Rates> MeasureAsync(Func<Task<Run>> run, int runs)
    {
        var all = new List<Run>();
        for (var i = 0; i < runs; i++) all.Add(await run());
        var last = all[^1];
        return new Rates(
            last.PromptTokens,
            last.Generated,
            Median(all.Select(r => r.PromptTokens / r.PromptSeconds)),
            Median(all.Select(r => (r.Generated - 1) / r.GenerationSeconds)),
            Median(all.Select(r => r.Generated / r.TotalSeconds)),
            all.Max(r => (r.Generated - 1) / r.GenerationSeconds));
    }

    private static void Emit(string path, string model, Rates rates, object extra)
    {
        var line = new Dictionary<string, object?>
        {
            ["bench"] = "local-llm",
            ["path"] = path,
            ["model"] = Path.GetFileName(model),
            ["prompt_tokens"] = rates.PromptTokens,
            ["prompt_tokens_per_s"] = Math.Round(rates.Prompt),
            ["new_tokens"] = rates.Generated,
            ["gen_tokens_per_s"] = Math.Round(rates.Generation, 1),
            ["gen_tokens_per_s_best"] = Math.Round(rates.GenerationBest, 1),
        };
        foreach (var p in extra.GetType().GetProperties()) line[p.Name] = p.GetValue(extra);
        BenchRunner.Emit(line);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
