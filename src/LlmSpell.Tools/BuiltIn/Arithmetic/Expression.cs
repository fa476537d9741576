using System.Collections.Frozen;
using System.Globalization;

namespace LlmSpell.Tools.BuiltIn.Arithmetic;

/// <summary>
/// A safe arithmetic evaluator (a recursive-descent parser, no code execution): <c>+ - * / % ^</c>, parentheses,
/// unary minus, the functions sqrt, abs, min, max, round, floor, ceil, log, exp, sin, cos, tan, the constants pi and e,
/// and variables given by the caller. <c>^</c> is right-associative and binds tighter than unary minus (<c>-2^2 = -4</c>).
/// </summary>
public static class Expression
{
    public const int MaxLength = 10_000;
    private const int MaxDepth = 200;

    private static readonly FrozenDictionary<string, double> Constants =
        new Dictionary<string, double> { ["pi"] = System.Math.PI, ["e"] = System.Math.E }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, (int Min, int Max, Func<double[], double> Apply)> Functions =
        new Dictionary<string, (int, int, Func<double[], double>)>
        {
            ["sqrt"] = (1, 1, a => System.Math.Sqrt(a[0])),
            ["abs"] = (1, 1, a => System.Math.Abs(a[0])),
            ["min"] = (1, int.MaxValue, a => a.Min()),
            ["max"] = (1, int.MaxValue, a => a.Max()),
            ["round"] = (1, 2, a => a.Length == 1
                ? System.Math.Round(a[0], MidpointRounding.AwayFromZero)
                : System.Math.Round(a[0], (int)System.Math.Clamp(a[1], 0, 15), MidpointRounding.AwayFromZero)),
            ["floor"] = (1, 1, a => System.Math.Floor(a[0])),
            ["ceil"] = (1, 1, a => System.Math.Ceiling(a[0])),
            ["log"] = (1, 2, a => a.Length == 1 ? System.Math.Log(a[0]) : System.Math.Log(a[0], a[1])),
            ["exp"] = (1, 1, a => System.Math.Exp(a[0])),
            ["sin"] = (1, 1, a => System.Math.Sin(a[0])),
            ["cos"] = (1, 1, a => System.Math.Cos(a[0])),
            ["tan"] = (1, 1, a => System.Math.Tan(a[0])),
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the functions, for messages and docs.</summary>
    public static IEnumerable<string> FunctionNames => Functions.Keys.Order(StringComparer.Ordinal);

    /// <summary>Evaluates <paramref name="expression"/>; throws <see cref="ExpressionException"/> with the position of the problem.</summary>
    public static double Evaluate(string expression, IReadOnlyDictionary<string, double>? variables = null)
    {
        if (expression.Length > MaxLength) throw new ExpressionException(expression[..40] + "…", MaxLength, $"the expression is longer than {MaxLength} characters");
        return new Parser(expression, variables ?? new Dictionary<string, double>()).Parse();
    }

    private sealed class Parser(string text, IReadOnlyDictionary<string, double> variables)
    {
        private int _pos;
        private int _depth;

        public double Parse()
        {
            SkipSpaces();
            if (_pos >= text.Length) throw Error("the expression is empty");
            var value = ParseSum();
            SkipSpaces();
            if (_pos < text.Length) throw Error(text[_pos] == ')' ? "unmatched ')'" : $"unexpected '{text[_pos]}'");
            return value;
        }

        // sum := product (('+' | '-') product)*
        private double ParseSum()
        {
            var value = ParseProduct();
            while (true)
            {
                SkipSpaces();
                if (TryTake('+')) value += ParseProduct();
                else if (TryTake('-')) value -= ParseProduct();
                else return value;
            }
        }

        // product := unary (('*' | '/' | '%') unary)*
        private double ParseProduct()
        {
            var value = ParseUnary();
            while (true)
            {
                SkipSpaces();
                var at = _pos;
                if (TryTake('*')) value *= ParseUnary();
                else if (TryTake('/'))
                {
                    var divisor = ParseUnary();
                    if (divisor == 0) throw new ExpressionException(text, at, "division by zero");
                    value /= divisor;
                }
                else if (TryTake('%'))
                {
                    var divisor = ParseUnary();
                    if (divisor == 0) throw new ExpressionException(text, at, "modulo by zero");
                    value %= divisor;
                }
                else return value;
            }
        }

        // unary := ('-' | '+') unary | power
        private double ParseUnary()
        {
            SkipSpaces();
            Enter();
            double value;
            if (TryTake('-')) value = -ParseUnary();
            else if (TryTake('+')) value = ParseUnary();
            else value = ParsePower();
            _depth--;
            return value;
        }

        // power := atom ('^' unary)?   (right-associative; the exponent may carry its own sign)
        private double ParsePower()
        {
            var value = ParseAtom();
            SkipSpaces();
            var at = _pos;
            if (!TryTake('^')) return value;
            var result = System.Math.Pow(value, ParseUnary());
            if (double.IsNaN(result)) throw new ExpressionException(text, at, "the power has no real value");
            return result;
        }

        // atom := number | '(' sum ')' | name | name '(' args ')'
        private double ParseAtom()
        {
            SkipSpaces();
            if (_pos >= text.Length) throw Error("the expression ends where a number was expected");
            var c = text[_pos];
            if (c == '(')
            {
                _pos++;
                Enter();
                var inner = ParseSum();
                SkipSpaces();
                if (!TryTake(')')) throw Error(_pos >= text.Length ? "missing ')'" : $"expected ')' but found '{text[_pos]}'");
                _depth--;
                return inner;
            }
            if (char.IsAsciiDigit(c) || c == '.') return ParseNumber();
            if (char.IsLetter(c) || c == '_') return ParseName();
            throw Error($"unexpected '{c}'");
        }

        private double ParseNumber()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            if (_pos < text.Length && text[_pos] is 'e' or 'E' && _pos + 1 < text.Length
                && (char.IsAsciiDigit(text[_pos + 1]) || (text[_pos + 1] is '+' or '-' && _pos + 2 < text.Length && char.IsAsciiDigit(text[_pos + 2]))))
            {
                _pos += 2;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            }
            if (!double.TryParse(text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ExpressionException(text, start, $"'{text[start.._pos]}' is not a number");
            return value;
        }

        private double ParseName()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            var name = text[start.._pos];
            SkipSpaces();
            if (TryTake('('))
            {
                if (!Functions.TryGetValue(name, out var function))
                    throw new ExpressionException(text, start, $"unknown function '{name}'; known: {string.Join(", ", FunctionNames)}");
                Enter();
                var args = new List<double>();
                SkipSpaces();
                if (!TryTake(')'))
                {
                    do args.Add(ParseSum());
                    while (TakeSpaced(','));
                    SkipSpaces();
                    if (!TryTake(')')) throw Error(_pos >= text.Length ? $"missing ')' after the arguments of {name}" : $"expected ',' or ')' but found '{text[_pos]}'");
                }
                _depth--;
                if (args.Count < function.Min || args.Count > function.Max)
                    throw new ExpressionException(text, start, $"{name} takes {Arity(function.Min, function.Max)}, not {args.Count}");
                var result = function.Apply([.. args]);
                if (double.IsNaN(result)) throw new ExpressionException(text, start, $"{name}({string.Join(", ", args.Select(a => a.ToString(CultureInfo.InvariantCulture)))}) has no real value");
                return result;
            }
            if (variables.TryGetValue(name, out var variable)) return variable;
            if (Constants.TryGetValue(name, out var constant)) return constant;
            if (Functions.ContainsKey(name)) throw new ExpressionException(text, _pos, $"'{name}' is a function; call it as {name}(…)");
            throw new ExpressionException(text, start, $"unknown name '{name}'; use pi, e, a function ({string.Join(", ", FunctionNames)}) or a variable"
                + (variables.Count > 0 ? $" ({string.Join(", ", variables.Keys)})" : ""));
        }

        private static string Arity(int min, int max) => min == max
            ? $"{min} argument{(min == 1 ? "" : "s")}"
            : max == int.MaxValue ? $"at least {min} argument{(min == 1 ? "" : "s")}" : $"{min} to {max} arguments";

        private void Enter()
        {
            if (++_depth > MaxDepth) throw Error($"the expression is nested more than {MaxDepth} levels deep");
        }

        private bool TakeSpaced(char c)
        {
            SkipSpaces();
            return TryTake(c);
        }

        private bool TryTake(char c)
        {
            if (_pos >= text.Length || text[_pos] != c) return false;
            _pos++;
            return true;
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private ExpressionException Error(string message) => new(text, _pos, message);
    }
}
