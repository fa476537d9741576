using LlmSpell.Tools.BuiltIn.Arithmetic;
using LlmSpell.Tools.BuiltIn.Crypto;
using LlmSpell.Tools.BuiltIn.Data;
using LlmSpell.Tools.BuiltIn.Files;
using LlmSpell.Tools.BuiltIn.Http;
using LlmSpell.Tools.BuiltIn.Ids;
using LlmSpell.Tools.BuiltIn.Json;
using LlmSpell.Tools.BuiltIn.Text;
using LlmSpell.Tools.BuiltIn.Time;

namespace LlmSpell.Tools.BuiltIn;

/// <summary>The tools that come with LlmSpell, configured by one <see cref="ToolsOptions"/>.</summary>
public static class BuiltInTools
{
    /// <summary>The names of the built-in tools, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "file-read", "file-write", "file-list", "http-request", "json-query", "text-template", "calculator",
        "datetime", "uuid", "hash", "csv-to-json", "regex-extract", "text-split", "text-join",
    ];

    /// <summary>New instances of every built-in tool.</summary>
    public static IReadOnlyList<ITool> Create(ToolsOptions? options = null)
    {
        var o = (options ?? ToolsOptions.Default).Validated();
        return
        [
            new FileReadTool(o), new FileWriteTool(o), new FileListTool(o), new HttpRequestTool(o), new JsonQueryTool(o),
            new TextTemplateTool(), new CalculatorTool(), new DateTimeTool(o), new UuidTool(o), new HashTool(),
            new CsvToJsonTool(), new RegexExtractTool(o), new TextSplitTool(o), new TextJoinTool(),
        ];
    }

    /// <summary>Registers every built-in tool (and its aliases) in <paramref name="registry"/>; a name already taken is an error.</summary>
    public static ToolRegistry Register(ToolRegistry registry, ToolsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var tools = Create(options);
        // All or nothing: a clash found half-way would leave some built-ins registered and others not.
        var taken = tools.SelectMany(t => t.Aliases.Prepend(t.Name)).Where(n => registry.Find(n) is not null).ToArray();
        if (taken.Length > 0)
            throw new ToolRegistrationException(null,
                $"Cannot register the built-in tools: {string.Join(", ", taken)} {(taken.Length == 1 ? "is" : "are")} already registered. Rename the app's tool, or register the built-ins first.");
        foreach (var tool in tools) registry.AddTool(tool);
        return registry;
    }
}
