using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmSpell.TestServers;

/// <summary>
/// A loopback server speaking Ollama's wire format: <c>/api/chat</c> and <c>/api/generate</c> (NDJSON streaming or one
/// JSON answer, with done/done_reason/eval counts and tool_calls), <c>/api/embed</c>, <c>/api/tags</c>, <c>/api/show</c>,
/// <c>/api/version</c> and <c>/api/pull</c>; errors as <c>{"error":"…"}</c> bodies.
/// </summary>
public sealed class OllamaTestServer : LoopbackServer
{
    private OllamaTestServer()
    {
    }

    /// <summary>What <c>/api/tags</c> lists and <c>/api/show</c> knows; other models are 404 there.</summary>
    public List<string> Models { get; } = ["llama3.2:3b", "nomic-embed-text:latest"];

    public string Version { get; set; } = "0.12.6";

    /// <summary>Layer sizes <c>/api/pull</c> reports progress for.</summary>
    public List<long> PullLayers { get; } = [1000, 250];

    public static async Task<OllamaTestServer> StartAsync()
    {
        var server = new OllamaTestServer();
        await server.StartServerAsync("").ConfigureAwait(false);
        return server;
    }

    protected override bool IsInference(RecordedRequest request) =>
        request.Path is "/api/chat" or "/api/generate" or "/api/embed" or "/api/pull";

    protected override async Task ServeAsync(HttpContext context, RecordedRequest request)
    {
        var rule = RuleFor(request);
        var reply = rule ?? DefaultReply;
        if (request.Path is "/api/chat" or "/api/generate" or "/api/embed" or "/api/pull" || rule is not null)
        {
            if (!await BeforeAnswerAsync(context, reply).ConfigureAwait(false)) return;
            if (reply.StatusCode != 200)
            {
                await WriteJsonAsync(context, reply.StatusCode, Error(reply.ErrorMessage)).ConfigureAwait(false);
                return;
            }
        }
        switch (request.Path)
        {
            case "/api/chat": await ChatAsync(context, request, reply, generate: false).ConfigureAwait(false); break;
            case "/api/generate": await ChatAsync(context, request, reply, generate: true).ConfigureAwait(false); break;
            case "/api/embed": await EmbedAsync(context, request).ConfigureAwait(false); break;
            case "/api/pull": await PullAsync(context, request, reply).ConfigureAwait(false); break;
            case "/api/tags" when context.Request.Method == "GET": await TagsAsync(context).ConfigureAwait(false); break;
            case "/api/show": await ShowAsync(context, request).ConfigureAwait(false); break;
            case "/api/version" when context.Request.Method == "GET":
                await WriteJsonAsync(context, 200, new JsonObject { ["version"] = Version }.ToJsonString()).ConfigureAwait(false);
                break;
            default:
                context.Response.StatusCode = 404;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("404 page not found", context.RequestAborted).ConfigureAwait(false);
                break;
        }
    }

    private static string Error(string message) => new JsonObject { ["error"] = message }.ToJsonString();

    // Ollama stamps nanoseconds: 9 fractional digits.
    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "42Z";

    private static async Task ChatAsync(HttpContext context, RecordedRequest request, ScriptedReply reply, bool generate)
    {
        var model = reply.Model ?? request.Model ?? "unknown";
        var stream = request.Json?["stream"]?.GetValue<bool>() ?? true;
        if (!stream)
        {
            var whole = Line(model, generate, reply.FullText, reply.ToolCalls, done: true, reply);
            await AnswerWholeAsync(context, request, reply, whole).ConfigureAwait(false);
            return;
        }
        var chunks = reply.Chunks.Select(c => Line(model, generate, c, [], done: false, reply) + "\n").ToList();
        if (reply.ToolCalls.Count > 0) chunks.Add(Line(model, generate, "", reply.ToolCalls, done: false, reply) + "\n");
        await StreamAsync(context, request, reply, "application/x-ndjson",
            chunks,
            Line(model, generate, "", [], done: true, reply) + "\n",
            "{\"model\":\"" + model + "\",\"message\":{\"role\":\"assistant\",\"content\":\"oops\"\n",
            Error(reply.ErrorMessage) + "\n").ConfigureAwait(false);
    }

    private static string Line(string model, bool generate, string text, IReadOnlyList<ScriptedToolCall> calls, bool done, ScriptedReply reply)
    {
        var line = new JsonObject { ["model"] = model, ["created_at"] = Now() };
        if (generate) line["response"] = text;
        else
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
            if (calls.Count > 0)
            {
                message["tool_calls"] = new JsonArray(calls.Select((c, i) =>
                {
                    var function = new JsonObject { ["index"] = i, ["name"] = c.Name, ["arguments"] = c.Arguments.DeepClone() };
                    var call = new JsonObject { ["function"] = function };
                    if (c.Id is not null) call["id"] = c.Id;
                    return (JsonNode)call;
                }).ToArray());
            }
            line["message"] = message;
        }
        line["done"] = done;
        if (done)
        {
            line["done_reason"] = reply.DoneReason;
            line["total_duration"] = 4_883_583_458L;
            line["load_duration"] = 1_334_875L;
            line["prompt_eval_count"] = reply.PromptTokens;
            line["prompt_eval_duration"] = 342_546_000L;
            line["eval_count"] = reply.CompletionTokenCount;
            line["eval_duration"] = 4_535_599_000L;
        }
        return line.ToJsonString();
    }

    private static async Task EmbedAsync(HttpContext context, RecordedRequest request)
    {
        var inputs = request.Json?["input"] switch
        {
            JsonArray array => array.Select(i => i?.GetValue<string>() ?? "").ToArray(),
            JsonValue one => [one.GetValue<string>()],
            _ => Array.Empty<string>(),
        };
        var dimensions = request.Json?["dimensions"]?.GetValue<int>() ?? 4;
        var embeddings = new JsonArray(inputs.Select(i => (JsonNode)new JsonArray(Vector(i, dimensions).Select(v => (JsonNode)v).ToArray())).ToArray());
        var answer = new JsonObject
        {
            ["model"] = request.Model,
            ["embeddings"] = embeddings,
            ["total_duration"] = 14_143_917L,
            ["prompt_eval_count"] = inputs.Sum(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length),
        };
        await WriteJsonAsync(context, 200, answer.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>A deterministic vector: the text's length, then its character codes folded into the remaining slots.</summary>
    public static float[] Vector(string text, int dimensions)
    {
        var v = new float[dimensions];
        v[0] = text.Length;
        for (var i = 0; i < text.Length && dimensions > 1; i++) v[1 + i % (dimensions - 1)] += text[i] / 1000f;
        return v;
    }

    private async Task PullAsync(HttpContext context, RecordedRequest request, ScriptedReply reply)
    {
        var lines = new List<string> { new JsonObject { ["status"] = "pulling manifest" }.ToJsonString() + "\n" };
        for (var i = 0; i < PullLayers.Count; i++)
        {
            var digest = $"sha256:{i:x4}{new string('a', 60)}";
            var total = PullLayers[i];
            foreach (var completed in new[] { 0, total / 2, total })
            {
                var line = new JsonObject { ["status"] = $"pulling {digest[7..19]}", ["digest"] = digest, ["total"] = total };
                if (completed > 0) line["completed"] = completed;
                lines.Add(line.ToJsonString() + "\n");
            }
        }
        lines.Add(new JsonObject { ["status"] = "verifying sha256 digest" }.ToJsonString() + "\n");
        lines.Add(new JsonObject { ["status"] = "writing manifest" }.ToJsonString() + "\n");
        if (request.Model is { } model && !Models.Contains(model)) Models.Add(model);
        await StreamAsync(context, request, reply, "application/x-ndjson", lines,
            new JsonObject { ["status"] = "success" }.ToJsonString() + "\n",
            "{\"status\":\n",
            Error(reply.ErrorMessage) + "\n").ConfigureAwait(false);
    }

    private async Task TagsAsync(HttpContext context)
    {
        var models = new JsonArray(Models.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m,
            ["model"] = m,
            ["modified_at"] = "2024-11-04T14:56:49.277302595-07:00",
            ["size"] = 2_019_393_189L,
            ["digest"] = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            ["details"] = Details(),
        }).ToArray());
        await WriteJsonAsync(context, 200, new JsonObject { ["models"] = models }.ToJsonString()).ConfigureAwait(false);
    }

    private async Task ShowAsync(HttpContext context, RecordedRequest request)
    {
        var model = request.Model ?? "";
        if (!Models.Contains(model) && !Models.Contains(model + ":latest"))
        {
            await WriteJsonAsync(context, 404, Error($"model '{model}' not found")).ConfigureAwait(false);
            return;
        }
        var info = new JsonObject
        {
            ["modelfile"] = $"# Modelfile generated by \"ollama show\"\nFROM {model}\n",
            ["parameters"] = "stop                           \"<|eot_id|>\"",
            ["template"] = "{{ .Prompt }}",
            ["details"] = Details(),
            ["model_info"] = new JsonObject { ["general.architecture"] = "llama", ["llama.context_length"] = 131072 },
            ["capabilities"] = new JsonArray("completion", "tools"),
            ["modified_at"] = "2024-11-04T14:56:49.277302595-07:00",
        };
        await WriteJsonAsync(context, 200, info.ToJsonString()).ConfigureAwait(false);
    }

    private static JsonObject Details() => new()
    {
        ["parent_model"] = "",
        ["format"] = "gguf",
        ["family"] = "llama",
        ["families"] = new JsonArray("llama"),
        ["parameter_size"] = "3.2B",
        ["quantization_level"] = "Q4_K_M",
    };
}
