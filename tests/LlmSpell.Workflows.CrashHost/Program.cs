using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
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
var store = RunStoreOptions.Sqlite(Path.Combine(args[0], "llmspell.db"));
await store.PrepareAsync();
using var system = ActorSystem.Create("crash-host",
    ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off").WithFallback(store.ToConfig()));
var tools = CrashWorkflow.Tools(args[1], hangIn: "two");
var options = WorkflowEngineOptions.Default
    .WithDurability(new DurableRunOptions { LiveRunsDirectory = Path.Combine(args[0], "live"), ResumeOnStart = false })
    .WithRunIdGenerator(() => CrashWorkflow.RunId);
var engine = new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = CrashWorkflow.NoAgents }, options);
var result = await engine.RunAsync(CrashWorkflow.Definition, new JsonObject { ["topic"] = "crash" });
Console.WriteLine($"FINISHED {result.Status}");
return 0;
