using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;
using OpenAIFinishReason = OpenAI.Chat.ChatFinishReason;

namespace LlmSpell.Llm.OpenAI;

/// <summary>Translates between M.E.AI chat types and the OpenAI SDK's.</summary>
internal static class OpenAIChatMapper
{
    public static List<OpenAIChatMessage> ToMessages(IEnumerable<AIChatMessage> messages, string? instructions)
    {
        var result = new List<OpenAIChatMessage>();
        if (!string.IsNullOrEmpty(instructions)) result.Add(new SystemChatMessage(instructions));
        foreach (var message in messages)
        {
            var text = new StringBuilder();
            List<ChatMessageContentPart>? images = null;
            List<ChatToolCall>? calls = null;
            List<FunctionResultContent>? results = null;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent { Text: { Length: > 0 } t }: text.Append(t); break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        (images ??= []).Add(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType));
                        break;
                    case UriContent uri when uri.HasTopLevelMediaType("image"):
                        (images ??= []).Add(ChatMessageContentPart.CreateImagePart(uri.Uri));
                        break;
                    case FunctionCallContent call:
                        (calls ??= []).Add(ChatToolCall.CreateFunctionToolCall(call.CallId, call.Name,
                            BinaryData.FromString(JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions))));
                        break;
                    case FunctionResultContent fr: (results ??= []).Add(fr); break;
                }
            }
            var role = message.Role;
            if (role == ChatRole.System) result.Add(new SystemChatMessage(text.ToString()));
            else if (role == ChatRole.Assistant)
            {
                if (calls is not null)
                {
                    var assistant = new AssistantChatMessage(calls);
                    if (text.Length > 0) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text.ToString()));
                    result.Add(assistant);
                }
                else if (text.Length > 0 || results is null) result.Add(new AssistantChatMessage(text.ToString()));
            }
            else if (role != ChatRole.Tool && (text.Length > 0 || images is not null || results is null))
            {
                var parts = new List<ChatMessageContentPart>();
                if (text.Length > 0) parts.Add(ChatMessageContentPart.CreateTextPart(text.ToString()));
                if (images is not null) parts.AddRange(images);
                result.Add(new UserChatMessage(parts));
            }
            foreach (var fr in results ?? []) result.Add(new ToolChatMessage(fr.CallId, ResultText(fr)));
        }
        return result;
    }

    public static ChatCompletionOptions ToOptions(ChatOptions? options)
    {
        var o = new ChatCompletionOptions();
        if (options is null) return o;
        o.Temperature = options.Temperature;
        o.TopP = options.TopP;
        o.MaxOutputTokenCount = options.MaxOutputTokens;
        o.FrequencyPenalty = options.FrequencyPenalty;
        o.PresencePenalty = options.PresencePenalty;
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the servers we target honour it.
        if (options.Seed is { } seed) o.Seed = seed;
#pragma warning restore OPENAI001
        foreach (var stop in options.StopSequences ?? []) o.StopSequences.Add(stop);
        o.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => global::OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => global::OpenAI.Chat.ChatResponseFormat.CreateJsonObjectFormat(),
            _ => null,
        };
        var hasTools = false;
        foreach (var tool in options.Tools ?? [])
        {
            if (tool is not AIFunctionDeclaration function) continue;
            o.Tools.Add(ChatTool.CreateFunctionTool(function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText())));
            hasTools = true;
        }
        if (hasTools)
        {
            o.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                _ => ChatToolChoice.CreateAutoChoice(),
            };
            if (options.AllowMultipleToolCalls is { } parallel) o.AllowParallelToolCalls = parallel;
        }
        return o;
    }

    public static ChatResponse ToResponse(ChatCompletion completion)
    {
        var contents = new List<AIContent>();
        foreach (var part in completion.Content)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && part.Text is { Length: > 0 } t) contents.Add(new TextContent(t));
        }
        if (completion.Refusal is { Length: > 0 } refusal) contents.Add(new TextContent(refusal));
        foreach (var call in completion.ToolCalls)
            contents.Add(new FunctionCallContent(call.Id, call.FunctionName, ParseArguments(call.FunctionArguments.ToString())) { RawRepresentation = call });
        return new ChatResponse(new AIChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id })
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = FinishReason(completion.FinishReason),
            Usage = Usage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    /// <summary>Tool call fragments arrive by index across chunks; they become whole calls when the choice finishes.</summary>
    public sealed class StreamState
    {
        private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];

        public bool Finished { get; private set; }

        public ChatResponseUpdate ToUpdate(StreamingChatCompletionUpdate update)
        {
            var contents = new List<AIContent>(1);
            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text && part.Text is { Length: > 0 } t) contents.Add(new TextContent(t));
            }
            if (update.RefusalUpdate is { Length: > 0 } refusal) contents.Add(new TextContent(refusal));
            foreach (var call in update.ToolCallUpdates)
            {
                var entry = _calls.TryGetValue(call.Index, out var existing) ? existing : (null, null, new StringBuilder());
                entry.Id ??= call.ToolCallId;
                entry.Name ??= call.FunctionName;
                if (call.FunctionArgumentsUpdate is { } args && !args.ToMemory().IsEmpty) entry.Arguments.Append(args.ToString());
                _calls[call.Index] = entry;
            }
            AIFinishReason? finish = null;
            if (update.FinishReason is { } reason)
            {
                Finished = true;
                finish = FinishReason(reason);
                foreach (var (index, (id, name, arguments)) in _calls)
                    contents.Add(new FunctionCallContent(id ?? $"call_{update.CompletionId}_{index}", name ?? "", ParseArguments(arguments.ToString())));
                _calls.Clear();
            }
            if (Usage(update.Usage) is { } usage) contents.Add(new UsageContent(usage));
            return new ChatResponseUpdate(ChatRole.Assistant, contents)
            {
                ResponseId = update.CompletionId,
                MessageId = update.CompletionId,
                ModelId = update.Model,
                CreatedAt = update.CreatedAt,
                FinishReason = finish,
                RawRepresentation = update,
            };
        }
    }

    private static Dictionary<string, object?> ParseArguments(string json)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
            foreach (var property in doc.RootElement.EnumerateObject()) result[property.Name] = property.Value.Clone();
        }
        catch (JsonException)
        {
            // Models sometimes emit broken argument JSON; keep the text so the caller can see it.
            result["input"] = json;
        }
        return result;
    }

    private static AIFinishReason FinishReason(OpenAIFinishReason reason) => reason switch
    {
        OpenAIFinishReason.Stop => AIFinishReason.Stop,
        OpenAIFinishReason.Length => AIFinishReason.Length,
        OpenAIFinishReason.ContentFilter => AIFinishReason.ContentFilter,
        OpenAIFinishReason.ToolCalls or OpenAIFinishReason.FunctionCall => AIFinishReason.ToolCalls,
        _ => new AIFinishReason(reason.ToString()),
    };

    private static UsageDetails? Usage(ChatTokenUsage? usage) => usage is null
        ? null
        : new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount };

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } ex => $"Error: {ex.Message}",
        null => "",
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(),
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions.GetTypeInfo(other.GetType())),
    };
}
