using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using LlmSpell.Hosting;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Samples.WebService;

/// <summary>A minimal web service over the workflow engine: start runs, stream their events, read their results.</summary>
public static class SampleApp
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The app; <paramref name="configure"/> lets a host (or a test) add services and settings before it is built.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddLlmSpellConfiguration(args);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<RunStore>();
        // The service's own actor system (Akka.Hosting) hosts LlmSpell: its runs actor is in the ActorRegistry.
        builder.Services.AddLlmSpell(b => b.UseAppActorSystem());
        builder.Services.AddAkka("llmspell-sample", (akka, provider) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithLlmSpell(provider));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapPost("/runs", StartRunAsync);
        app.MapGet("/runs/{id}", GetRunAsync);
        app.MapGet("/runs/{id}/events", StreamEventsAsync);
        return app;
    }

    /// <summary>Body: <c>{ "definition": { …workflow JSON… }, "input": … }</c>; answers 202 with the run id.</summary>
    private static async Task<IResult> StartRunAsync(HttpRequest request, IWorkflowEngine engine, RunStore runs, CancellationToken ct)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return Results.Problem(title: "The body is not JSON", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (body?["definition"] is not JsonObject definitionNode)
            return Results.Problem(title: "Missing definition", detail: "The body needs a \"definition\" object: the workflow to run.", statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var definition = WorkflowParser.Parse(definitionNode.DeepClone(), "definition");
            var run = await engine.StartAsync(definition, body["input"]?.DeepClone(), ct);
            runs.Add(run);
            return Results.Accepted($"/runs/{run.Id}", new { runId = run.Id });
        }
        catch (WorkflowValidationException ex)
        {
            return Results.Problem(title: "Invalid workflow definition", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> GetRunAsync(string id, RunStore runs, IRequiredActor<LlmSpellRuns> runsActor, IServiceProvider services, CancellationToken ct)
    {
        if (runs.Find(id) is { } run)
        {
            if (!run.Completion.IsCompleted)
            {
                // Where it is, asked of the run itself through the runs actor's protocol.
                var reply = await runsActor.ActorRef.Ask<IRunMessage>(new GetRunStatus(id), TimeSpan.FromSeconds(5), ct);
                return reply is RunStatusReport status
                    ? Results.Ok(new { runId = id, status = status.IsWaiting ? "waiting" : "running", runningSteps = status.RunningSteps, waitingFor = status.WaitingFor, stepsCompleted = status.StepsCompleted })
                    : Results.Ok(new { runId = id, status = "running" });
            }
            var result = await run.Completion;
            return Results.Json(new { runId = id, status = result.Status, output = result.Output, error = result.Error, steps = result.Steps.Select(s => new { s.Name, s.Status, s.Model, s.Duration }) }, Json);
        }
        // A durable run started before a restart: its record is in the journal.
        if (services.GetRequiredService<LlmSpellOptions>().Journal != JournalKind.None)
        {
            try
            {
                return Results.Json(await services.GetRequiredService<IWorkflowOperations>().ExportAsync(id, ct), Json);
            }
            catch (KeyNotFoundException)
            {
            }
        }
        return Results.NotFound(new { error = $"no run with id '{id}'" });
    }

    /// <summary>Server-sent events: every event of the run from its start, live, until it ends.</summary>
    private static async Task StreamEventsAsync(string id, HttpContext context, RunStore runs, CancellationToken ct)
    {
        if (runs.Find(id) is not { } run)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await foreach (var e in run.Events.WithCancellation(ct))
        {
            await context.Response.WriteAsync($"event: {e.Kind}\ndata: {JsonSerializer.Serialize(e, e.GetType(), Json)}\n\n", ct);
            await context.Response.Body.FlushAsync(ct);
        }
        // The stream ends once the result is ready, so a client that reads GET /runs/{id} next sees it.
        await run.Completion.WaitAsync(ct);
    }
}
