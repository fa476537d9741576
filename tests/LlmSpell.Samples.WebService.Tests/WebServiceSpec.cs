using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSpell.Samples.WebService.Tests;

public sealed class WebServiceSpec : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "llmspell-web-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = SampleApp.Build(
            ["--urls=http://127.0.0.1:0", "--LlmSpell:Journal=None", $"--LlmSpell:DataDirectory={_dataDir}", "--LlmSpell:BuiltInTools=false"],
            b =>
            {
                b.Services.AddSingleton<ITool>(new DelegateTool("greet", "greets", new JsonObject { ["type"] = "object" },
                    (args, _, _) => Task.FromResult<JsonNode?>(new JsonObject { ["greeting"] = "hello " + args.Values["name"] })));
                b.Services.AddSingleton<ITool>(new DelegateTool("gate", "waits for the test", new JsonObject { ["type"] = "object" },
                    async (_, _, ct) =>
                    {
                        await _release.Task.WaitAsync(ct);
                        return new JsonObject { ["released"] = true };
                    }));
            });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = Limit };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    private static JsonObject Body(string name) => new()
    {
        ["definition"] = JsonNode.Parse($$$"""
            {
              "name": "{{{name}}}",
              "type": "sequential",
              "steps": [
                { "name": "wait", "step_type": "tool", "tool": "gate" },
                { "name": "hi", "step_type": "tool", "tool": "greet", "parameters": { "name": "{{input.who}}" } }
              ]
            }
            """),
        ["input"] = new JsonObject { ["who"] = "ada" },
    };

    private async Task<string> StartAsync(JsonObject body)
    {
        var response = await _http.PostAsJsonAsync("/runs", body);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
    }

    private async Task RunningStepsAsync(string runId, string[] expected)
    {
        while (true)
        {
            var status = (await _http.GetFromJsonAsync<JsonObject>($"/runs/{runId}"))!;
            if (status["runningSteps"] is JsonArray steps && steps.Select(s => s!.GetValue<string>()).SequenceEqual(expected)) return;
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_posted_run_streams_its_events_live_and_then_serves_its_result()
    {
        var runId = await StartAsync(Body("web-run"));

        (await _http.GetFromJsonAsync<JsonObject>($"/runs/{runId}"))!["status"]!.GetValue<string>().Should().Be("running");
        // The run's own status (through the runs actor) names the step it is in, once that step has started.
        await RunningStepsAsync(runId, ["wait"]).WaitAsync(Limit);

        using var stream = await _http.GetStreamAsync($"/runs/{runId}/events");
        using var reader = new StreamReader(stream);
        var kinds = new List<string>();
        string? line;
        while ((line = await reader.ReadLineAsync().WaitAsync(Limit)) is not null)
        {
            if (!line.StartsWith("event: ", StringComparison.Ordinal)) continue;
            var kind = line["event: ".Length..];
            kinds.Add(kind);
            // The gate opens only once the stream showed the run live: the events are not a replay after the end.
            if (kind == "step_started" && kinds.Count(k => k == "step_started") == 1) _release.TrySetResult();
        }

        kinds.Should().StartWith("run_started").And.EndWith("run_completed");
        kinds.Count(k => k == "step_completed").Should().Be(2);
        var result = (await _http.GetFromJsonAsync<JsonObject>($"/runs/{runId}"))!;
        result["status"]!.GetValue<string>().Should().Be("completed");
        result["output"]?["hi"]?["greeting"]?.GetValue<string>().Should().Be("hello ada", result.ToJsonString());
    }

    [Fact]
    public async Task An_invalid_definition_is_a_bad_request_and_an_unknown_run_is_not_found()
    {
        var bad = await _http.PostAsJsonAsync("/runs", new JsonObject { ["definition"] = new JsonObject { ["name"] = "x", ["type"] = "sequential" } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("steps");
        var missing = await _http.PostAsJsonAsync("/runs", new JsonObject { ["input"] = 1 });
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await _http.GetAsync("/runs/nope")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _http.GetAsync("/runs/nope/events")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
