using System.CommandLine;
using System.CommandLine.Parsing;
using LlmSpell.Workflows.Definitions.Parsing;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// The parser's errors said for people: an unknown command or option with the closest known one, a bad value with the
/// values it takes, never a .NET type name. One message per problem.
/// </summary>
internal static class ParseErrors
{
    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var messages = new List<string>();
        // The first token the parser could not place is the problem; the ones after it are usually its value
        // (--parm x) or the rest of a mistyped command (tempalte list), and saying so again would only be noise.
        var unmatched = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        if (unmatched is not null) messages.Add(Unmatched(command, unmatched));
        foreach (var error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult { Option: var option } result when unmatched is null || !IsUnmatched(error, parse):
                    messages.Add(BadValue(option.Name, option.ValueType, result.Tokens, error.Message));
                    break;
                case ArgumentResult { Argument: var argument } result when !IsUnmatched(error, parse):
                    messages.Add(BadValue(argument.Name, argument.ValueType, result.Tokens, error.Message));
                    break;
                case CommandResult when unmatched is not null:
                    // "Unrecognized command or argument" (said above) or "Required command was not provided" after a
                    // mistyped subcommand: the suggestion above is the fix.
                    break;
                case CommandResult { Command: { Subcommands.Count: > 0 } parent } when parse.CommandResult.Command == parent:
                    messages.Add($"'{Path(parent)}' needs a command: {string.Join(", ", parent.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}");
                    break;
                default:
                    if (!IsUnmatched(error, parse)) messages.Add(error.Message);
                    break;
            }
        }
        return messages.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static bool IsUnmatched(ParseError error, ParseResult parse) =>
        parse.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));

    private static string Unmatched(Command command, string token)
    {
        var where = Path(command);
        if (token.StartsWith('-'))
        {
            var options = Options(command).ToArray();
            var hint = DidYouMean.Closest(token, options) is { } match ? $"; did you mean '{match}'?" : $" (options: {string.Join(", ", options.Where(o => o.StartsWith("--", StringComparison.Ordinal)))})";
            return $"unknown option '{token}' for '{where}'{hint}";
        }
        var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
        if (commands.Length == 0) return $"unexpected argument '{token}' for '{where}' (it takes no more arguments; quote a value that has spaces)";
        var suggestion = DidYouMean.Closest(token, commands) is { } closest ? $"; did you mean '{closest}'?" : ".";
        return $"unknown command '{token}' for '{where}'{suggestion} Commands: {string.Join(", ", commands)}";
    }

    private static string BadValue(string name, Type type, IReadOnlyList<Token> tokens, string original)
    {
        var value = tokens.Count > 0 ? tokens[^1].Value : "";
        var what = type == typeof(int) || type == typeof(long) || type == typeof(int?) || type == typeof(long?) ? "a whole number"
            : type == typeof(double) || type == typeof(double?) ? "a number"
            : type == typeof(TimeSpan) || type == typeof(TimeSpan?) ? "a duration (e.g. 1s, 500ms)"
            : null;
        // A message of our own (a custom parser's) or one without a type name in it stays as it is.
        if (what is null || tokens.Count == 0) return original;
        return $"{name}: '{value}' is not {what}";
    }

    /// <summary>The option names a command takes, its own and those it inherits from the root.</summary>
    private static IEnumerable<string> Options(Command command)
    {
        foreach (var option in command.Options)
        {
            yield return option.Name;
            foreach (var alias in option.Aliases) yield return alias;
        }
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            foreach (var option in parent.Options.Where(o => o.Recursive))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases) yield return alias;
            }
        }
    }

    /// <summary>"llmspell template exec", for messages.</summary>
    public static string Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
            names.Insert(0, c is RootCommand ? "llmspell" : c.Name);
        return string.Join(' ', names);
    }
}
