using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Workflows.CrashHost;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

// A process to be killed, on a SQLite journal in args[0]; every tool call appends its name to args[1].
//   <data-directory> <calls-file>
//       runs CrashWorkflow.Definition as run "crash"; step "two" prints READY and then hangs until the process dies.
//   <data-directory> <calls-file> --steps N --delay-ms D
//       resumes run CrashWorkflow.StepsRunId(N) if the journal has it, else starts it: N sequential tool steps, each waiting
//       D ms after it appended its name. Prints RESUMED or STARTED (or ALREADY <state> if the journal says it ended), then
//       FINISHED <status> when the run ends.
if (args.Length is not (2 or 6))
    return Usage();
int steps = 0, delayMs = 0;
if (args.Length == 6)
{
    for (var i = 2; i < args.Length; i += 2)
    {
        if (!int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return Usage();
        switch (args[i])
        {
            case "--steps": steps = value; break;
            case "--delay-ms": delayMs = value; break;
            default: return Usage();
        }
    }
    if (steps < 1) return Usage();
}

var store = RunStoreOptions.Sqlite(Path.Combine(args[0], "llmspell.db"));
await store.PrepareAsync();
using var system = store.CreateSystem("crash-host", ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off"));
var durable = new DurableRunOptions { LiveRunsDirectory = Path.Combine(args[0], "live"), ResumeOnStart = false };

if (steps == 0)
{
    var tools = CrashWorkflow.Tools(args[1], hangIn: "two");
    var options = WorkflowEngineOptions.Default.WithDurability(durable).WithRunIdGenerator(() => CrashWorkflow.RunId);
    var engine = new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = CrashWorkflow.NoAgents }, options);
    var result = await engine.RunAsync(CrashWorkflow.Definition, new JsonObject { ["topic"] = "crash" });
    Console.WriteLine($"FINISHED {result.Status}");
    return 0;
}
else
{
    var tools = CrashWorkflow.SequenceTools(steps, args[1], TimeSpan.FromMilliseconds(delayMs));
    var engine = new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = CrashWorkflow.NoAgents },
        WorkflowEngineOptions.Default.WithDurability(durable));
    var runId = CrashWorkflow.StepsRunId(steps);
    // Resume first: the journal's own answer (no such run, or ended) decides, and the read side (whose start can time out
    // under load) is not started unless the run has ended.
    IWorkflowRun run;
    try
    {
        run = await engine.ResumeAsync(runId);
        Console.WriteLine("RESUMED");
    }
    catch (KeyNotFoundException)
    {
        run = await engine.StartAsync(runId, CrashWorkflow.Sequence(steps), new JsonObject { ["topic"] = "crash" });
        Console.WriteLine("STARTED");
    }
    catch (InvalidOperationException)
    {
        // Ended in an earlier process that was killed before it said so (else: the refusal stands).
        var ended = (await engine.GetRunAsync(runId)).Summary.State;
        if (ended == RunState.Unfinished) throw;
        Console.WriteLine($"ALREADY {ended}");
        return 0;
    }
    var result = await run.Completion;
    Console.WriteLine($"FINISHED {result.Status}");
    return result.Status == RunStatus.Completed ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: LlmSpell.Workflows.CrashHost <data-directory> <calls-file> [--steps N --delay-ms D]");
    return 2;
}
