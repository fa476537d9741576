using Akka.Actor;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Workflows.Runs;

/// <summary>
/// The runs actor of a node whose runs are placed elsewhere (<see cref="IRunPlacement"/>): gives a <see cref="StartRun"/>
/// without an id its id here — a placement finds a run by id — and passes every message on to the placement. A node with the
/// journal answers the journal's queries (<see cref="ReadRun"/>, <see cref="ListRuns"/>) itself; one without passes them on too.
/// </summary>
internal sealed class RunsFront : ReceiveActor
{
    public static Props Props(IActorRef placed, Func<string> newRunId, Func<IRunReader>? journal) =>
        ActorProps.Of(() => new RunsFront(placed, newRunId, journal));

    private RunsFront(IActorRef placed, Func<string> newRunId, Func<IRunReader>? journal)
    {
        Receive<StartRun>(start => placed.Forward(start.RunId is null ? start with { RunId = newRunId() } : start));
        if (journal is not null)
        {
            Receive<ReadRun>(read => Answer(read.RunId, async () =>
            {
                if (await journal().ReadAsync(read.RunId, CancellationToken.None).ConfigureAwait(false) is not { } record)
                    return new RunRejected(read.RunId, RejectionKind.NotFound, $"no run with id '{read.RunId}' in the journal (it never started, or it was purged)");
                return (record with { Summary = await LocateAsync(placed, record.Summary).ConfigureAwait(false) }).ToMessage();
            }));
            Receive<ListRuns>(_ => Answer("", async () =>
            {
                var summaries = await journal().SummariesAsync(CancellationToken.None).ConfigureAwait(false);
                return new RunsListed(await Task.WhenAll(summaries.Select(s => LocateAsync(placed, s))).ConfigureAwait(false));
            }));
        }
        ReceiveAny(placed.Forward);
    }

    /// <summary>
    /// The summary with the node running it, for an unfinished run: placed runs go on wherever their entity is, and asking starts
    /// the entity of one that is between nodes. A run that does not answer in time is shown without a node.
    /// </summary>
    private static async Task<RunSummary> LocateAsync(IActorRef placed, RunSummary summary)
    {
        if (summary.State != RunState.Unfinished) return summary;
        try
        {
            if (await placed.Ask<IRunMessage>(new GetRunStatus(summary.RunId), LocateTimeout).ConfigureAwait(false) is RunStatusReport { Node: { } node })
                return summary with { Node = node };
        }
        catch (AskTimeoutException)
        {
            // Moving between nodes: shown as unfinished, without a node.
        }
        return summary;
    }

    private static readonly TimeSpan LocateTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Replies with what <paramref name="read"/> gives, or with the journal's refusal.</summary>
    private void Answer(string runId, Func<Task<object>> read)
    {
        async Task<object> Guarded()
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RunJournalException or TimeoutException or InvalidOperationException)
            {
                return new RunRejected(runId, RejectionKind.Journal, ex.Message);
            }
        }
        Guarded().PipeTo(Sender);
    }
}
