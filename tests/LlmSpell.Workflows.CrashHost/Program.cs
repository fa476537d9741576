using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Actors.Persistence.Sqlite;
using LlmSpell.Workflows.CrashHost;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;

// A process to be killed: runs CrashWorkflow.Definition as run "crash" on a SQLite journal in args[0];
// every tool call appends its name to args[1]; step "two" prints READY and then hangs until the process dies.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: LlmSpell.Workflows.CrashHost <data-directory> <calls-file>");
    return 2;
}
await using var store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(args[0]));
using var system = ActorSystem.Create("crash-host", "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
var tools = CrashWorkflow.Tools(args[1], hangIn: "two");
var options = WorkflowEngineOptions.Default
    .WithDurability(new DurableRunOptions(store.Journal).WithResumeOnStart(false))
    .WithRunIdGenerator(() => CrashWorkflow.RunId);
var engine = new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = CrashWorkflow.NoAgents }, options);
var result = await engine.RunAsync(CrashWorkflow.Definition, new JsonObject { ["topic"] = "crash" });
Console.WriteLine($"FINISHED {result.Status}");
return 0;
