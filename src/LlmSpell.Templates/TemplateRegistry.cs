using LlmSpell.Workflows.Definitions.Parsing;
using LlmSpell.Templates.WorkflowOrchestrator;

namespace LlmSpell.Templates;

/// <summary>The templates by id; <see cref="CreateDefault"/> has the built-in ones.</summary>
public sealed class TemplateRegistry
{
    private readonly List<ITemplate> _templates = [];
    private readonly Dictionary<string, ITemplate> _byId = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A registry with every built-in template.</summary>
    public static TemplateRegistry CreateDefault() => new TemplateRegistry().Register(new WorkflowOrchestratorTemplate());

    /// <summary>Adds a template; an id already taken is an error.</summary>
    public TemplateRegistry Register(ITemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!_byId.TryAdd(template.Id, template))
            throw new ArgumentException($"A template with id '{template.Id}' is already registered; template ids must be unique.", nameof(template));
        _templates.Add(template);
        return this;
    }

    /// <summary>The templates in the order they were registered.</summary>
    public IReadOnlyList<ITemplate> All => _templates;

    public ITemplate? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The template with id <paramref name="id"/>, or a <see cref="TemplateNotFoundException"/> naming the known ones.</summary>
    public ITemplate Get(string id) => Find(id) ?? throw new TemplateNotFoundException(id, _templates.Select(t => t.Id).ToArray());
}

/// <summary>No template has the id asked for.</summary>
public sealed class TemplateNotFoundException(string id, IReadOnlyList<string> known)
    : Exception($"unknown template '{id}'{DidYouMean.Sentence(id, known)} Available templates: {(known.Count == 0 ? "none" : string.Join(", ", known))} (see 'llmspell template list')")
{
    public string Id { get; } = id;
}
