using System.Text;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// Streams text while watching for stop strings: text that might be the start of a stop string is held back until it
/// is known not to be one; when a stop string appears, everything from it on is dropped.
/// </summary>
public sealed class StopStringFilter(IEnumerable<string> stops)
{
    private readonly string[] _stops = stops.Where(s => s.Length > 0).ToArray();
    private readonly StringBuilder _pending = new();

    /// <summary>True once a stop string has been seen.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns the text that is now safe to emit.</summary>
    public string Push(string text)
    {
        if (Stopped || text.Length == 0) return "";
        if (_stops.Length == 0) return text;
        _pending.Append(text);
        var pending = _pending.ToString();
        var cut = -1;
        foreach (var stop in _stops)
        {
            var at = pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..cut];
        }
        var hold = 0;
        foreach (var stop in _stops)
            for (var len = Math.Min(stop.Length - 1, pending.Length); len > hold; len--)
                if (pending.AsSpan(pending.Length - len).SequenceEqual(stop.AsSpan(0, len)))
                {
                    hold = len;
                    break;
                }
        _pending.Clear().Append(pending, pending.Length - hold, hold);
        return pending[..^hold];
    }

    /// <summary>Releases held-back text at the end of generation (it did not become a stop string).</summary>
    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return Stopped ? "" : rest;
    }
}
