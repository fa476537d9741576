using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace LlmSpell.Hosting.Logging;

/// <summary>Rewrites every event so that no secret reaches <paramref name="inner"/>: template text, property values and exceptions.</summary>
internal sealed class RedactingSink(ILogEventSink inner, LlmSpellSecrets secrets) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent) => inner.Emit(Redact(logEvent));

    private LogEvent Redact(LogEvent e)
    {
        if (secrets.Values.Count == 0) return e;
        var template = secrets.Contains(e.MessageTemplate.Text) ? Parser.Parse(secrets.Redact(e.MessageTemplate.Text)) : e.MessageTemplate;
        var exception = e.Exception is { } ex && secrets.Contains(ex.ToString()) ? new RedactedException(ex, secrets) : e.Exception;
        var properties = e.Properties.Select(p => new LogEventProperty(p.Key, Redact(p.Value)));
        return new LogEvent(e.Timestamp, e.Level, exception, template, properties, e.TraceId ?? default, e.SpanId ?? default);
    }

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } when secrets.Contains(s) => new ScalarValue(secrets.Redact(s)),
        ScalarValue { Value: not null and not string } scalar when scalar.Value.ToString() is { } text && secrets.Contains(text) => new ScalarValue(secrets.Redact(text)),
        SequenceValue seq => new SequenceValue(seq.Elements.Select(Redact)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value))), st.TypeTag),
        DictionaryValue dict => new DictionaryValue(dict.Elements.Select(kv => KeyValuePair.Create((ScalarValue)Redact(kv.Key), Redact(kv.Value)))),
        _ => value,
    };

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>Stands in for an exception whose text holds a secret; renders as the original with secrets masked.</summary>
    private sealed class RedactedException(Exception original, LlmSpellSecrets secrets) : Exception(secrets.Redact(original.Message))
    {
        private readonly string _text = secrets.Redact(original.ToString());

        public override string ToString() => _text;
    }
}
