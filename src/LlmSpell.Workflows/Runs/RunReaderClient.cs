using Akka.Actor;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Workflows.Runs;

/// <summary>
/// Reads runs by asking the runs actor (<see cref="ReadRun"/>, <see cref="ListRuns"/>), which passes the question to a node that
/// holds the journal (<see cref="RunsFront"/>): an engine outside the cluster lists and shows its runs this way.
/// </summary>
internal sealed class RunReaderClient(IActorRef runs, TimeSpan timeout) : IRunReader
{
    public async Task<RunRecord?> ReadAsync(string runId, CancellationToken cancellationToken) =>
        await runs.Ask<IRunMessage>(new ReadRun(runId), timeout, cancellationToken).ConfigureAwait(false) switch
        {
            RunRead read => RunRecord.FromMessage(read),
            RunRejected { Kind: RejectionKind.NotFound } => null,
            var other => throw Execution.WorkflowEngine.Refusal(other),
        };

    public async Task<IReadOnlyList<RunSummary>> SummariesAsync(CancellationToken cancellationToken) =>
        await runs.Ask<object>(new ListRuns(), timeout, cancellationToken).ConfigureAwait(false) switch
        {
            RunsListed listed => listed.Runs,
            var other => throw Execution.WorkflowEngine.Refusal(other),
        };
}
