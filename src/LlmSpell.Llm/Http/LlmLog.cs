using Microsoft.Extensions.Logging;

namespace LlmSpell.Llm.Http;

/// <summary>The LLM layer's log messages. URLs and model names only: API keys and prompts are never logged.</summary>
internal static partial class LlmLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Provider}: {Method} {Url} model={Model}")]
    public static partial void Sending(ILogger logger, string provider, string method, Uri url, string? model);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Provider}: attempt {Attempt} of {Url} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string provider, int attempt, Uri url, string reason, double delayMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Provider}: {Url} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string provider, Uri url, string reason);
}
