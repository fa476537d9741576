using System.Collections.Concurrent;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Samples.WebService;

/// <summary>The runs this service started, by id, for their events and results.</summary>
public sealed class RunStore
{
    private readonly ConcurrentDictionary<string, IWorkflowRun> _runs = new(StringComparer.Ordinal);

    public void Add(IWorkflowRun run) => _runs[run.Id] = run;

    public IWorkflowRun? Find(string id) => _runs.GetValueOrDefault(id);
}
