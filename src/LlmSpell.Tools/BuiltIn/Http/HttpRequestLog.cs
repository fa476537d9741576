using Microsoft.Extensions.Logging;

namespace LlmSpell.Tools.BuiltIn.Http;

/// <summary>The log lines of <see cref="HttpRequestTool"/>.</summary>
internal static partial class HttpRequestLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Tool}: {Method} {Url}")]
    public static partial void LogHttpRequest(this ILogger logger, string tool, string method, Uri url);
}
