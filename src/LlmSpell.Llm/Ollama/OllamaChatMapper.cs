using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Ollama;

/// <summary>Translates between M.E.AI chat types and the <c>/api/chat</c> wire format.</summary>
internal static class OllamaChatMapper
{
    // ChatOptions.AdditionalProperties keys that are request fields, not model options.
    private const string KeepAliveKey = "keep_alive";
    private const string ThinkKey = "think";

    public static OllamaChatRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, bool stream, string? defaultKeepAlive)
    {
        JsonNode? keepAlive = defaultKeepAlive is null ? null : JsonValue.Create(defaultKeepAlive);
        JsonNode? think = null;
        JsonObject? modelOptions = null;
        if (options is not null)
        {
            modelOptions = ModelOptions(options);
            if (options.AdditionalProperties is { Count: > 0 } extra)
            {
                foreach (var (key, value) in extra)
                {
                    switch (key)
                    {
                        case KeepAliveKey: keepAlive = ToNode(value); break;
                        case ThinkKey: think = ToNode(value); break;
                        default: (modelOptions ??= [])[key] = ToNode(value); break;
                    }
                }
            }
        }
        return new OllamaChatRequest
        {
            Model = model,
            Messages = ToMessages(messages, options?.Instructions),
            Stream = stream,
            Format = Format(options?.ResponseFormat),
            Options = modelOptions,
            KeepAlive = keepAlive,
            Tools = Tools(options),
            Think = think,
        };
    }

    private static JsonObject? ModelOptions(ChatOptions options)
    {
        JsonObject? o = null;
        if (options.Temperature is { } temperature) (o ??= [])["temperature"] = temperature;
        if (options.TopP is { } topP) (o ??= [])["top_p"] = topP;
        if (options.TopK is { } topK) (o ??= [])["top_k"] = topK;
        if (options.Seed is { } seed) (o ??= [])["seed"] = seed;
        if (options.MaxOutputTokens is { } max) (o ??= [])["num_predict"] = max;
        if (options.FrequencyPenalty is { } frequency) (o ??= [])["frequency_penalty"] = frequency;
        if (options.PresencePenalty is { } presence) (o ??= [])["presence_penalty"] = presence;
        if (options.StopSequences is { Count: > 0 } stop) (o ??= [])["stop"] = new JsonArray(stop.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        return o;
    }

    private static JsonNode? Format(ChatResponseFormat? format) => format switch
    {
        ChatResponseFormatJson { Schema: { } schema } => JsonSerializer.SerializeToNode(schema, OllamaJson.Default.JsonElement),
        ChatResponseFormatJson => JsonValue.Create("json"),
        _ => null,
    };

    private static List<OllamaTool>? Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode) return null;
        var result = new List<OllamaTool>(tools.Count);
        foreach (var tool in tools)
        {
            if (tool is AIFunctionDeclaration function)
                result.Add(new OllamaTool { Function = new OllamaFunction { Name = function.Name, Description = function.Description, Parameters = function.JsonSchema } });
        }
        return result.Count == 0 ? null : result;
    }

    private static List<OllamaMessage> ToMessages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var result = new List<OllamaMessage>();
        if (!string.IsNullOrEmpty(instructions)) result.Add(new OllamaMessage { Role = "system", Content = instructions });
        Dictionary<string, string>? callNames = null;
        foreach (var message in messages)
        {
            StringBuilder? text = null, thinking = null;
            string? singleText = null;
            List<string>? images = null;
            List<OllamaToolCall>? calls = null;
            List<FunctionResultContent>? results = null;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent { Text: { Length: > 0 } t }:
                        if (singleText is null && text is null) singleText = t;
                        else (text ??= new StringBuilder(singleText)).Append(t);
                        break;
                    case TextReasoningContent { Text: { Length: > 0 } r }:
                        (thinking ??= new StringBuilder()).Append(r);
                        break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        (images ??= []).Add(data.Base64Data.ToString());
                        break;
                    case FunctionCallContent call:
                        (callNames ??= [])[call.CallId] = call.Name;
                        (calls ??= []).Add(new OllamaToolCall
                        {
                            Id = call.CallId,
                            Function = new OllamaFunctionCall { Name = call.Name, Arguments = Arguments(call.Arguments) },
                        });
                        break;
                    case FunctionResultContent fr:
                        (results ??= []).Add(fr);
                        break;
                }
            }
            var messageText = text?.ToString() ?? singleText;
            if (results is null || messageText is not null || calls is not null || images is not null)
            {
                result.Add(new OllamaMessage
                {
                    Role = message.Role.Value,
                    Content = messageText ?? "",
                    Thinking = thinking?.ToString(),
                    Images = images,
                    ToolCalls = calls,
                });
            }
            foreach (var fr in results ?? [])
            {
                result.Add(new OllamaMessage
                {
                    Role = "tool",
                    Content = ResultText(fr),
                    ToolName = callNames?.GetValueOrDefault(fr.CallId),
                });
            }
        }
        return result;
    }

    private static JsonElement Arguments(IDictionary<string, object?>? arguments) => arguments is null
        ? JsonSerializer.SerializeToElement(new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions)
        : JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions);

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } ex => $"Error: {ex.Message}",
        null => "",
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(),
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions.GetTypeInfo(other.GetType())),
    };

    /// <summary>A ChatOptions value as JSON: primitives directly, anything else through M.E.AI's serializer options.</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonSerializer.SerializeToNode(element, OllamaJson.Default.JsonElement),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        TimeSpan t => JsonValue.Create(((long)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"),
        _ => JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
    };

    /// <summary>Per-stream state: the response id and whether tool calls were seen (Ollama reports "stop" for them).</summary>
    public sealed class StreamState(string responseId)
    {
        public string ResponseId { get; } = responseId;
        public bool SawToolCalls { get; set; }
        public int ToolCallIndex { get; set; }
    }

    public static ChatResponseUpdate ToUpdate(OllamaChatChunk chunk, StreamState state)
    {
        var contents = new List<AIContent>(2);
        AddContents(chunk.Message, contents, state);
        var update = new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = state.ResponseId,
            MessageId = state.ResponseId,
            ModelId = chunk.Model,
            CreatedAt = ParseTime(chunk.CreatedAt),
            RawRepresentation = chunk,
        };
        if (chunk.Done)
        {
            update.FinishReason = FinishReason(chunk.DoneReason, state.SawToolCalls);
            if (Usage(chunk) is { } usage) contents.Add(new UsageContent(usage));
        }
        return update;
    }

    public static ChatResponse ToResponse(OllamaChatChunk chunk, string responseId)
    {
        var state = new StreamState(responseId);
        var contents = new List<AIContent>(2);
        AddContents(chunk.Message, contents, state);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = responseId, RawRepresentation = chunk })
        {
            ResponseId = responseId,
            ModelId = chunk.Model,
            CreatedAt = ParseTime(chunk.CreatedAt),
            FinishReason = FinishReason(chunk.DoneReason, state.SawToolCalls),
            Usage = Usage(chunk),
            RawRepresentation = chunk,
        };
    }

    private static void AddContents(OllamaMessage? message, List<AIContent> contents, StreamState state)
    {
        if (message is null) return;
        if (message.Thinking is { Length: > 0 } thinking) contents.Add(new TextReasoningContent(thinking));
        if (message.Content is { Length: > 0 } text) contents.Add(new TextContent(text));
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            state.SawToolCalls = true;
            foreach (var call in calls)
            {
                var id = call.Id ?? $"call_{state.ResponseId}_{state.ToolCallIndex}";
                state.ToolCallIndex++;
                contents.Add(new FunctionCallContent(id, call.Function.Name, ArgumentsOf(call.Function.Arguments)) { RawRepresentation = call });
            }
        }
    }

    private static Dictionary<string, object?> ArgumentsOf(JsonElement arguments)
    {
        var element = arguments;
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } s)
        {
            try
            {
                element = JsonDocument.Parse(s).RootElement;
            }
            catch (JsonException)
            {
                return new Dictionary<string, object?> { ["input"] = s };
            }
        }
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object) return result;
        foreach (var property in element.EnumerateObject()) result[property.Name] = property.Value.Clone();
        return result;
    }

    private static ChatFinishReason FinishReason(string? doneReason, bool sawToolCalls) => doneReason switch
    {
        null or "" or "stop" => sawToolCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        var other => new ChatFinishReason(other),
    };

    private static UsageDetails? Usage(OllamaChatChunk chunk) => chunk.PromptEvalCount is null && chunk.EvalCount is null
        ? null
        : new UsageDetails
        {
            InputTokenCount = chunk.PromptEvalCount,
            OutputTokenCount = chunk.EvalCount,
            TotalTokenCount = (chunk.PromptEvalCount ?? 0) + (chunk.EvalCount ?? 0),
        };

    /// <summary>Ollama's timestamps carry nanoseconds (9 digits); .NET keeps 7.</summary>
    public static DateTimeOffset? ParseTime(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return parsed;
        var dot = value.IndexOf('.');
        if (dot < 0) return null;
        var end = dot + 1;
        while (end < value.Length && char.IsAsciiDigit(value[end])) end++;
        var trimmed = string.Concat(value.AsSpan(0, Math.Min(end, dot + 8)), value.AsSpan(end));
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed) ? parsed : null;
    }
}
