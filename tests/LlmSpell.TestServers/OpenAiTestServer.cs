using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmSpell.TestServers;

/// <summary>
/// A loopback server speaking the OpenAI chat completions format at <c>/v1/chat/completions</c>: SSE chunks ending in
/// <c>data: [DONE]</c> (with a usage chunk when <c>stream_options.include_usage</c>), or one JSON answer with usage;
/// errors as <c>{"error":{"message":…}}</c>. <see cref="LoopbackServer.BaseUrl"/> ends in <c>/v1/</c>.
/// </summary>
public sealed class OpenAiTestServer : LoopbackServer
{
    private int _ids;

    private OpenAiTestServer()
    {
    }

    public static async Task<OpenAiTestServer> StartAsync()
    {
        var server = new OpenAiTestServer();
        await server.StartServerAsync("v1/").ConfigureAwait(false);
        return server;
    }

    protected override bool IsInference(RecordedRequest request) => request.Path.EndsWith("/chat/completions", StringComparison.Ordinal);

    protected override async Task ServeAsync(HttpContext context, RecordedRequest request)
    {
        if (!IsInference(request))
        {
            await WriteJsonAsync(context, 404, Error($"Unknown request URL: {request.Method} {request.Path}")).ConfigureAwait(false);
            return;
        }
        var reply = RuleFor(request) ?? DefaultReply;
        if (!await BeforeAnswerAsync(context, reply).ConfigureAwait(false)) return;
        if (reply.StatusCode != 200)
        {
            await WriteJsonAsync(context, reply.StatusCode, Error(reply.ErrorMessage)).ConfigureAwait(false);
            return;
        }
        var id = $"chatcmpl-{Interlocked.Increment(ref _ids)}";
        var model = reply.Model ?? request.Model ?? "unknown";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var finish = reply.ToolCalls.Count > 0 ? "tool_calls" : reply.DoneReason;
        var usage = new JsonObject
        {
            ["prompt_tokens"] = reply.PromptTokens,
            ["completion_tokens"] = reply.CompletionTokenCount,
            ["total_tokens"] = reply.PromptTokens + reply.CompletionTokenCount,
        };
        if (request.Json?["stream"]?.GetValue<bool>() != true)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.ToolCalls.Count > 0 && reply.Chunks.Count == 0 ? null : reply.FullText };
            if (reply.ToolCalls.Count > 0) message["tool_calls"] = new JsonArray(reply.ToolCalls.Select((c, i) => (JsonNode)ToolCall(c, i, full: true)).ToArray());
            var answer = Envelope(id, "chat.completion", created, model);
            answer["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finish });
            answer["usage"] = usage;
            await AnswerWholeAsync(context, request, reply, answer.ToJsonString()).ConfigureAwait(false);
            return;
        }

        var chunks = new List<string>();
        for (var i = 0; i < reply.Chunks.Count; i++)
        {
            var delta = new JsonObject { ["content"] = reply.Chunks[i] };
            if (i == 0) delta["role"] = "assistant";
            chunks.Add(Sse(Chunk(id, created, model, delta, null)));
        }
        for (var i = 0; i < reply.ToolCalls.Count; i++)
        {
            // As OpenAI does: the id and name first, then the arguments in pieces.
            chunks.Add(Sse(Chunk(id, created, model, new JsonObject { ["tool_calls"] = new JsonArray(ToolCall(reply.ToolCalls[i], i, full: false)) }, null)));
            var arguments = reply.ToolCalls[i].Arguments.ToJsonString();
            var half = arguments.Length / 2;
            foreach (var piece in new[] { arguments[..half], arguments[half..] })
            {
                var fragment = new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = piece } };
                chunks.Add(Sse(Chunk(id, created, model, new JsonObject { ["tool_calls"] = new JsonArray(fragment) }, null)));
            }
        }
        var final = Sse(Chunk(id, created, model, new JsonObject(), finish));
        if (request.Json?["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var usageChunk = Envelope(id, "chat.completion.chunk", created, model);
            usageChunk["choices"] = new JsonArray();
            usageChunk["usage"] = usage;
            final += Sse(usageChunk);
        }
        final += "data: [DONE]\n\n";
        await StreamAsync(context, request, reply, "text/event-stream", chunks, final, "data: {\"id\": oops\n\n",
            Sse(JsonNode.Parse(Error(reply.ErrorMessage))!.AsObject())).ConfigureAwait(false);
    }

    private static string Sse(JsonObject data) => "data: " + data.ToJsonString() + "\n\n";

    private static JsonObject Envelope(string id, string type, long created, string model) =>
        new() { ["id"] = id, ["object"] = type, ["created"] = created, ["model"] = model, ["system_fingerprint"] = "fp_test" };

    private static JsonObject Chunk(string id, long created, string model, JsonObject delta, string? finish)
    {
        var chunk = Envelope(id, "chat.completion.chunk", created, model);
        chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish });
        return chunk;
    }

    private static JsonObject ToolCall(ScriptedToolCall call, int index, bool full)
    {
        var function = new JsonObject { ["name"] = call.Name, ["arguments"] = full ? call.Arguments.ToJsonString() : "" };
        var result = new JsonObject { ["id"] = call.Id ?? $"call_{index}", ["type"] = "function", ["function"] = function };
        if (!full) result["index"] = index;
        return result;
    }

    private static string Error(string message) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = null } }.ToJsonString();
}
