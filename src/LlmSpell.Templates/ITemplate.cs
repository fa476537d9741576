using System.Text.Json.Nodes;
using LlmSpell.Templates.Parameters;

namespace LlmSpell.Templates;

/// <summary>A ready-made workflow: metadata, a parameter schema, and an execution that turns parameters into a result.</summary>
public interface ITemplate
{
    /// <summary>The id used on the command line, e.g. <c>workflow-orchestrator</c>.</summary>
    string Id { get; }

    string Name { get; }

    /// <summary>One paragraph on what the template does.</summary>
    string Description { get; }

    /// <summary>E.g. <c>workflow</c>, <c>research</c>.</summary>
    string Category { get; }

    string Version { get; }

    TemplateParameterSchema Parameters { get; }

    /// <summary>
    /// Runs the template. Bad parameters throw a <see cref="TemplateParameterException"/> before anything runs;
    /// a run that fails returns a result whose <see cref="TemplateResult.Status"/> says so, with what did run.
    /// </summary>
    Task<TemplateResult> ExecuteAsync(IReadOnlyDictionary<string, JsonNode?> parameters, TemplateContext context, CancellationToken cancellationToken);
}
