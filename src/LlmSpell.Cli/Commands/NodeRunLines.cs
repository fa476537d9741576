using Akka.Actor;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cli.Commands;

/// <summary>A node's log of the runs it holds, one line each on stdout: started, resumed here (taken over), ended.</summary>
internal sealed class NodeRunLines : ReceiveActor
{
    public static Props Props { get; } = Props.Create(() => new NodeRunLines());

    public NodeRunLines()
    {
        // A resumed run starts again too: its resume says it.
        var resumed = new HashSet<string>(StringComparer.Ordinal);
        Receive<RunResumed>(e =>
        {
            resumed.Add(e.RunId);
            Console.Out.WriteLine($"run {e.RunId} resumed here after {e.CompletedSteps} completed steps");
        });
        Receive<RunStarted>(e =>
        {
            if (!resumed.Remove(e.RunId)) Console.Out.WriteLine($"run {e.RunId} started: workflow '{e.WorkflowName}'");
        });
        Receive<RunCompleted>(e => Console.Out.WriteLine($"run {e.RunId} {StatusNames.Of(e.Status)} in {e.Duration.TotalSeconds:0.##}s"));
        Receive<RunFailed>(e => Console.Out.WriteLine($"run {e.RunId} failed: {e.Error}"));
        Receive<RunCancelled>(e => Console.Out.WriteLine($"run {e.RunId} cancelled: {e.Reason}"));
        Receive<Workflows.Events.RunTimedOut>(e => Console.Out.WriteLine($"run {e.RunId} timed out"));
        Receive<RunHandingOver>(e => Console.Out.WriteLine(e.RunningSteps.Count == 0
            ? $"run {e.RunId} handing over to another node"
            : $"run {e.RunId} handing over to another node once its running steps end: {string.Join(", ", e.RunningSteps)}"));
        ReceiveAny(_ => { });
    }
}
