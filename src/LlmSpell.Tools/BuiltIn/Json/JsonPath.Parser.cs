using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Json;

public sealed partial class JsonPath
{
    private const int MaxDepth = 64;

    /// <summary>A recursive-descent parser over the path text; every error carries the position it stopped at.</summary>
    private sealed class Parser(string text)
    {
        private int _pos;
        private int _depth;

        public List<Segment> ParseRoot()
        {
            SkipSpaces();
            if (Peek() == '$') _pos++;
            else if (Peek() is '.' or '[') { } // "$" left out: ".a" and "[0]" start at the root
            else if (_pos < text.Length && (char.IsLetter(text[_pos]) || text[_pos] == '_')) return ParseBareRoot();
            else throw Error("a path starts with '$'");
            var segments = ParseSegments(inFilter: false);
            SkipSpaces();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos]}'");
            return segments;
        }

        // "a.b[0]" is read as "$.a.b[0]".
        private List<Segment> ParseBareRoot()
        {
            var segments = new List<Segment> { new(false, [new NameSelector(ParseName())]) };
            segments.AddRange(ParseSegments(inFilter: false));
            SkipSpaces();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos]}'");
            return segments;
        }

        private List<Segment> ParseSegments(bool inFilter)
        {
            var segments = new List<Segment>();
            while (_pos < text.Length)
            {
                if (Peek() == '.')
                {
                    _pos++;
                    var descendants = false;
                    if (Peek() == '.')
                    {
                        _pos++;
                        descendants = true;
                        if (Peek() == '[')
                        {
                            segments.Add(new(true, ParseBracket()));
                            continue;
                        }
                    }
                    if (Peek() == '*')
                    {
                        _pos++;
                        segments.Add(new(descendants, [new WildcardSelector()]));
                    }
                    else
                    {
                        segments.Add(new(descendants, [new NameSelector(ParseName())]));
                    }
                }
                else if (Peek() == '[')
                {
                    segments.Add(new(false, ParseBracket()));
                }
                else if (inFilter || Peek() is ' ' or '\t')
                {
                    break;
                }
                else
                {
                    throw Error($"unexpected '{text[_pos]}'; expected '.', '..' or '['");
                }
            }
            return segments;
        }

        private string ParseName()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '-' or '$')) _pos++;
            if (_pos == start) throw Error("expected a property name");
            return text[start.._pos];
        }

        private List<Selector> ParseBracket()
        {
            Expect('[');
            var selectors = new List<Selector>();
            do
            {
                SkipSpaces();
                selectors.Add(ParseSelector());
                SkipSpaces();
            }
            while (TryTake(','));
            Expect(']');
            return selectors;
        }

        private Selector ParseSelector()
        {
            var c = Peek();
            if (c is '\'' or '"') return new NameSelector(ParseString());
            if (c == '*')
            {
                _pos++;
                return new WildcardSelector();
            }
            if (c == '?')
            {
                _pos++;
                SkipSpaces();
                return new FilterSelector(ParseFilter());
            }
            int? start = c is ':' ? null : ParseInt();
            SkipSpaces();
            if (!TryTake(':')) return new IndexSelector(start ?? throw Error("expected an index"));
            SkipSpaces();
            int? end = Peek() is ']' or ':' or ',' ? null : ParseInt();
            SkipSpaces();
            var step = 1;
            if (TryTake(':'))
            {
                SkipSpaces();
                if (Peek() is not (']' or ',')) step = ParseInt();
                if (step == 0) throw Error("a slice step cannot be 0");
            }
            return new SliceSelector(start, end, step);
        }

        private int ParseInt()
        {
            var start = _pos;
            if (Peek() == '-') _pos++;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            if (!int.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                _pos = start;
                throw Error("expected a number, a quoted name, '*', a slice or a filter '?(...)'");
            }
            return value;
        }

        private Filter ParseFilter()
        {
            if (++_depth > MaxDepth) throw Error("the filter is nested too deeply");
            var parenthesised = TryTake('(');
            var filter = ParseOr();
            if (parenthesised)
            {
                SkipSpaces();
                Expect(')');
            }
            _depth--;
            return filter;
        }

        private Filter ParseOr()
        {
            var left = ParseAnd();
            while (TryTakeOp("||")) left = new Or(left, ParseAnd());
            return left;
        }

        private Filter ParseAnd()
        {
            var left = ParseUnary();
            while (TryTakeOp("&&")) left = new And(left, ParseUnary());
            return left;
        }

        private Filter ParseUnary()
        {
            SkipSpaces();
            if (Peek() == '!' && PeekAt(1) != '=')
            {
                _pos++;
                return new Not(ParseUnary());
            }
            if (Peek() == '(')
            {
                if (++_depth > MaxDepth) throw Error("the filter is nested too deeply");
                _pos++;
                var inner = ParseOr();
                SkipSpaces();
                Expect(')');
                _depth--;
                return inner;
            }
            var left = ParseOperand();
            SkipSpaces();
            foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
            {
                if (TryTakeOp(op)) return new Comparison(left, op, ParseOperand());
            }
            if (left is Literal) throw Error("expected a comparison operator (==, !=, <, <=, >, >=) after a literal");
            return new Exists(left);
        }

        private Operand ParseOperand()
        {
            SkipSpaces();
            var c = Peek();
            if (c is '@' or '$')
            {
                _pos++;
                return new PathOperand(c == '$', ParseSegments(inFilter: true));
            }
            if (c is '\'' or '"') return new Literal(JsonValue.Create(ParseString()));
            if (c == '-' || char.IsAsciiDigit(c)) return new Literal(ParseNumber());
            foreach (var (word, value) in new (string, JsonNode?)[] { ("true", JsonValue.Create(true)), ("false", JsonValue.Create(false)), ("null", null) })
            {
                if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
                {
                    _pos += word.Length;
                    return new Literal(value);
                }
            }
            throw Error("expected '@', '$', a string, a number, true, false or null");
        }

        private JsonNode ParseNumber()
        {
            var start = _pos;
            if (Peek() == '-') _pos++;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '+' or '-')) _pos++;
            if (!double.TryParse(text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                _pos = start;
                throw Error("invalid number");
            }
            return JsonValue.Create(number);
        }

        private string ParseString()
        {
            var opening = _pos;
            var quote = text[_pos++];
            var value = new StringBuilder();
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length)
                {
                    _pos++;
                    value.Append(text[_pos] switch { 'n' => '\n', 't' => '\t', var other => other });
                }
                else
                {
                    value.Append(text[_pos]);
                }
                _pos++;
            }
            if (_pos >= text.Length) throw new JsonPathException(text, opening, $"unterminated string; close it with {quote}");
            _pos++;
            return value.ToString();
        }

        private bool TryTakeOp(string op)
        {
            SkipSpaces();
            if (string.CompareOrdinal(text, _pos, op, 0, op.Length) != 0) return false;
            _pos += op.Length;
            return true;
        }

        private bool TryTake(char c)
        {
            if (Peek() != c) return false;
            _pos++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c)) throw Error(_pos < text.Length ? $"expected '{c}' but found '{text[_pos]}'" : $"expected '{c}' but the path ended");
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private char PeekAt(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

        private JsonPathException Error(string message) => new(text, _pos, message);
    }
}
