namespace LlmSpell.Workflows.Definitions;

/// <summary>
/// The ranges a definition must keep to: what the runtime can honour (timers, memory, stack), checked at
/// validation so that no run fails on them later. docs/workflow-format.md lists them under "Limits".
/// </summary>
public static class DefinitionLimits
{
    /// <summary>The longest delay Akka.NET's timers (and .NET's) can schedule: 2^32−2 ms, about 49.7 days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(4_294_967_294);

    /// <summary>Attempts of one step, the first included.</summary>
    public const int MaxAttempts = 1_000;

    /// <summary>The largest factor a retry's backoff may grow by per attempt.</summary>
    public const double MaxMultiplier = 1_000;

    public const int MaxConcurrency = 10_000;

    public const int MaxIterations = 1_000_000;

    public const int MaxTokens = 10_000_000;

    /// <summary>Workflows nested inside the top one (a nested workflow step, or a call of a named workflow).</summary>
    public const int MaxNesting = 100;

    /// <summary>Nesting of objects and arrays in a JSON or YAML document: room for <see cref="MaxNesting"/> workflows in any form.</summary>
    public const int MaxDocumentDepth = 1_000;

    /// <summary>
    /// Nesting the runtime writes JSON to (stored definitions, events, outputs, reports): the model and the outputs of nested
    /// workflows nest deeper than the document they came from, and System.Text.Json's default of 64 failed at 16 nested workflows.
    /// </summary>
    public const int MaxWrittenDepth = 2 * MaxDocumentDepth;

    /// <summary>
    /// Characters of a definition document (bytes of a definition file): a definition carries steps, not data — larger ones are
    /// refused before they are read, so that a hostile file cannot take the process's memory (it is also the largest message
    /// between cluster nodes).
    /// </summary>
    public const int MaxDocumentChars = 16_000_000;

    /// <summary>
    /// Values (objects, arrays and scalars, YAML's alias copies included) of a definition document: each takes 50–300 bytes as a
    /// node, so a 16 MB document of small nested objects took 550 MB before it was read; this bounds a definition's nodes to
    /// about 300 MB and leaves room for 100,000 steps of up to nine values each.
    /// </summary>
    public const int MaxDocumentValues = 1_000_000;

    /// <summary>The error of a definition over <see cref="MaxDocumentValues"/>, at <paramref name="where"/> (e.g. "line 3, column 5").</summary>
    public static string TooManyValues(string where) =>
        $"the definition has more than {MaxDocumentValues:N0} values (objects, arrays and scalars; the next is at {where}); " +
        "a definition carries steps, not data: give large data as the run's input, or in files its tools read";

    /// <summary>YAML aliases in one document.</summary>
    public const int MaxYamlAliases = 10_000;

    /// <summary>Values (scalars, mappings, sequences) a YAML document's aliases may copy in all.</summary>
    public const int MaxYamlAliasValues = 100_000;

    /// <summary>Validation errors shown; the rest are counted ("and N more").</summary>
    public const int MaxShownErrors = 20;
}
