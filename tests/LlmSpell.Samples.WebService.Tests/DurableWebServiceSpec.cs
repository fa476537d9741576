using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSpell.Samples.WebService.Tests;

/// <summary>The sample on its default SQLite journal: the service's own actor system journals runs through WithLlmSpell.</summary>
public sealed class DurableWebServiceSpec : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "llmspell-web-durable-" + Guid.NewGuid().ToString("N"));

    private WebApplication Service() => SampleApp.Build(
        ["--urls=http://127.0.0.1:0", "--LlmSpell:Journal=Sqlite", $"--LlmSpell:DataDirectory={_dataDir}", "--LlmSpell:BuiltInTools=false"],
        b => b.Services.AddSingleton<ITool>(new DelegateTool("greet", "greets", new JsonObject { ["type"] = "object" },
            (args, _, _) => Task.FromResult<JsonNode?>(new JsonObject { ["greeting"] = "hello " + args.Values["name"] }))));

    private static HttpClient Client(WebApplication app) => new()
    {
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()),
        Timeout = Limit,
    };

    [Fact]
    public async Task A_run_of_the_service_before_a_restart_is_served_from_the_journal_after_it()
    {
        string runId;
        await using (var first = Service())
        {
            await first.StartAsync();
            using var http = Client(first);
            var response = await http.PostAsJsonAsync("/runs", new JsonObject
            {
                ["definition"] = JsonNode.Parse("""
                    { "name": "web-durable", "type": "sequential",
                      "steps": [ { "name": "hi", "step_type": "tool", "tool": "greet", "parameters": { "name": "{{input.who}}" } } ] }
                    """),
                ["input"] = new JsonObject { ["who"] = "grace" },
            });
            response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
            // The event stream ends once the run's result is ready.
            (await http.GetStringAsync($"/runs/{runId}/events")).Should().Contain("event: run_completed");
            await first.StopAsync();
        }
        File.Exists(Path.Combine(_dataDir, "llmspell.db")).Should().BeTrue();

        await using var second = Service();
        await second.StartAsync();
        using var again = Client(second);
        var record = (await again.GetFromJsonAsync<JsonObject>($"/runs/{runId}"))!;
        record["runId"]!.GetValue<string>().Should().Be(runId);
        record["workflow"]!.GetValue<string>().Should().Be("web-durable");
        record["state"]!.GetValue<string>().Should().Be("Completed", record.ToJsonString());
        record["events"]!.AsArray().Should().NotBeEmpty();
        await second.StopAsync();
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
