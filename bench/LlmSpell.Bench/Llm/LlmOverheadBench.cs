using System.Diagnostics;
using System.Net;
using System.Text;
using LlmSpell.Llm;
using LlmSpell.TestServers;
using LlmSpell.Workflows.Agents;
using Microsoft.Extensions.AI;

namespace LlmSpell.Bench.Llm;

/// <summary>
/// Client-side cost of an LLM call: agent-step calls (ChatAgentExecutor → provider → Ollama client → HTTP) to a loopback
/// Ollama that answers at once, against a raw HttpClient round trip of the same request to the same endpoint. Prints
/// p50/p99 of each, <c>overhead_us</c> (agent p50 − raw p50; target ≤ 300) and calls/s at <c>--concurrency</c> (default 4).
/// </summary>
public static class LlmOverheadBench
{
    private const string Model = "llama3.2:3b";

    public static async Task RunAsync(BenchArgs args)
    {
        var runs = args.Int("runs", 3000);
        var warmup = args.Int("warmup", 1000);
        var concurrency = args.Int("concurrency", 4);
        var throughputCalls = args.Int("calls", 8000);

        await using var server = await OllamaTestServer.StartAsync();
        server.RecordRequests = false;
        server.Always(ScriptedReply.Text("ok").WithUsage(12, 1));

        using var provider = new ChatClientProvider(
            LlmProviderOptions.Default.WithOllama(o => o.WithBaseUrl(server.BaseUrl).WithMaxConcurrency(concurrency)),
            environment: _ => null);
        var agents = new ChatAgentExecutor(provider, $"ollama/{Model}");
        var chat = provider.GetClient(ModelSpec.Parse($"ollama/{Model}"));
        using var raw = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { Timeout = Timeout.InfiniteTimeSpan };
        var url = new Uri(server.BaseUrl, "api/chat");
        // The body the client sends for the same step, so both sides move the same bytes.
        var body = Encoding.UTF8.GetBytes($$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Execute: bench step"}],"stream":true}""");

        var request = new AgentRequest { RunId = "bench", StepName = "step", Input = "Execute: bench step" };
        List<ChatMessage> messages = [new(ChatRole.User, "Execute: bench step")];
        var chatOptions = new ChatOptions { ModelId = Model };

        Func<Task> rawCall = async () =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await raw.PostAsync(url, content);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        };
        Func<Task> chatCall = async () =>
        {
            await foreach (var _ in chat.GetStreamingResponseAsync(messages, chatOptions))
            {
            }
        };
        Func<Task> agentCall = async () =>
        {
            var result = await agents.ExecuteAsync(request, progress: null, CancellationToken.None);
            if (result.Text != "ok") throw new InvalidOperationException($"unexpected answer '{result.Text}'");
        };

        for (var i = 0; i < warmup; i++)
        {
            await rawCall();
            await chatCall();
            await agentCall();
        }

        // Interleaved, so drift (GC, JIT tiers, the other core's load) hits all three alike.
        var rawUs = new double[runs];
        var chatUs = new double[runs];
        var agentUs = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            rawUs[i] = await TimeAsync(rawCall);
            chatUs[i] = await TimeAsync(chatCall);
            agentUs[i] = await TimeAsync(agentCall);
        }
        Array.Sort(rawUs);
        Array.Sort(chatUs);
        Array.Sort(agentUs);

        var rawBytes = await AllocatedPerCallAsync(rawCall);
        var chatBytes = await AllocatedPerCallAsync(chatCall);
        var agentBytes = await AllocatedPerCallAsync(agentCall);

        var rawPerSecond = await ThroughputAsync(rawCall, concurrency, throughputCalls);
        var connectionsBefore = server.ConnectionCount;
        var agentPerSecond = await ThroughputAsync(agentCall, concurrency, throughputCalls);
        var agentConnections = server.ConnectionCount - connectionsBefore;

        BenchRunner.Emit(new
        {
            bench = "llm-overhead",
            runs,
            raw_http_p50_us = Round(P(rawUs, 0.50)),
            raw_http_p99_us = Round(P(rawUs, 0.99)),
            chat_p50_us = Round(P(chatUs, 0.50)),
            chat_p99_us = Round(P(chatUs, 0.99)),
            agent_p50_us = Round(P(agentUs, 0.50)),
            agent_p99_us = Round(P(agentUs, 0.99)),
            overhead_us = Round(P(agentUs, 0.50) - P(rawUs, 0.50)),
            chat_overhead_us = Round(P(chatUs, 0.50) - P(rawUs, 0.50)),
            target_overhead_us = 300,
            concurrency,
            calls_per_s = Math.Round(agentPerSecond),
            raw_calls_per_s = Math.Round(rawPerSecond),
            raw_alloc_bytes_per_call = rawBytes,
            chat_alloc_bytes_per_call = chatBytes,
            agent_alloc_bytes_per_call = agentBytes,
            server_connections = server.ConnectionCount,
            agent_throughput_new_connections = agentConnections,
        });
    }

    private static async Task<double> TimeAsync(Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    /// <summary>Bytes allocated in the whole process per call (client and the in-process server alike).</summary>
    private static async Task<long> AllocatedPerCallAsync(Func<Task> call, int calls = 500)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++) await call();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / calls;
    }

    private static async Task<double> ThroughputAsync(Func<Task> call, int concurrency, int total)
    {
        var remaining = total;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0) await call();
        }));
        return total / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double P(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Round(double v) => Math.Round(v, 1);
}
