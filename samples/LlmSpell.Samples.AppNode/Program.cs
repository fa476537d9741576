using System.Text.Json.Nodes;
using Akka.Hosting;
using LlmSpell.Cluster;
using LlmSpell.Samples.AppNode;
using LlmSpell.Workflows.Definitions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// An app's own node of an llmspell cluster (role "app"): it runs no workflows itself, it asks the cluster's nodes to, with the
// public run protocol through a shard-region proxy, and hears the run's events and result at its own actor.
//   llmspell node start --port 4053          (a runs node; any number of them)
//   dotnet run --project samples/LlmSpell.Samples.AppNode -- --seed akka.tcp://llmspell@127.0.0.1:4053 --topic sharding
var builder = Host.CreateApplicationBuilder(args);
// Standard output is the run's story; the host's own start and stop lines stay out of it.
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
if (builder.Configuration["seed"] is not { } seed)
{
    Console.Error.WriteLine("error: give a running llmspell node to join: --seed akka.tcp://llmspell@HOST:PORT");
    return 2;
}
var topic = builder.Configuration["topic"] ?? "sharded runs";
var definition = WorkflowParser.ParseJson(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "release-note.json")));

builder.Services.AddAkka(ClusterNodeOptions.SystemName, (akka, provider) => akka
    .ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel)
    .WithLlmSpellCluster(new ClusterNodeOptions().WithPort(0).WithRoles(["app"]).WithSeeds([seed]))
    .WithLlmSpellRunsProxy()
    .WithActors((system, registry) =>
    {
        var runs = registry.Get<LlmSpellClusterRuns>();
        var lifetime = provider.GetRequiredService<IHostApplicationLifetime>();
        system.ActorOf(ReleaseNoteRequester.Props(runs, definition, new JsonObject { ["topic"] = topic }, lifetime), "release-note");
    }));
await builder.Build().RunAsync();
return Environment.ExitCode;
