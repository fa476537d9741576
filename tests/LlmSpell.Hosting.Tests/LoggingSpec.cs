using System.Text.Json.Nodes;
using LlmSpell.Hosting.Logging;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Hosting.Tests;

public sealed class LoggingSpec : HostSpec
{
    private const string ApiKey = "sk-test-SECRET-4242-abcdef";
    private const string DbPassword = "hunter2-db-pass";

    [Fact]
    public async Task Logs_carry_run_step_and_model_and_never_a_secret()
    {
        var workflow = "logged-" + Guid.NewGuid().ToString("N")[..8];
        var logFile = Path.Combine(DataDir, "logs", "llmspell-.log");
        var capture = new CapturingSink();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LlmSpell:DataDirectory"] = DataDir,
            ["LlmSpell:Llm:Endpoints:openai:ApiKey"] = ApiKey,
            ["LlmSpell:PostgresConnectionString"] = $"Host=127.0.0.1;Username=u;Password={DbPassword}",
            ["LlmSpell:Logging:Console"] = "false",
            ["LlmSpell:Logging:File"] = logFile,
            ["LlmSpell:Logging:MinimumLevel"] = "Debug",
        });
        builder.UseLlmSpellSerilog(sinks => sinks.WriteTo.Sink(capture));
        builder.Services.AddSingleton<IAgentExecutor>(new ScriptedAgents());
        builder.Services.AddLlmSpell(b => b.WithTool(new DelegateTool("leaky", "logs secrets", new JsonObject { ["type"] = "object" }, (_, context, _) =>
        {
            // A careless tool: the secret must still not reach any sink.
            context.Logger.LogWarning("calling with key {ApiKey} and connection {Connection}", ApiKey, $"Password={DbPassword}");
            context.Logger.LogError(new InvalidOperationException($"auth failed for {ApiKey}"), "literal " + ApiKey);
            return Task.FromResult<JsonNode?>(new JsonObject { ["ok"] = true });
        })));

        string runId;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("test");
            logger.LogInformation("options {@Options}", new { Key = ApiKey, Nested = new[] { DbPassword } });

            var result = await host.Services.GetRequiredService<IWorkflowEngine>()
                .RunAsync(Sequential(workflow, Steps.Agent("ask"), Tool("leaky"))).WaitAsync(Limit);
            result.Status.Should().Be(RunStatus.Completed, result.Error);
            runId = result.RunId;
            await capture.WaitFor(e => CapturingSink.Scalar(e, "RunId") == runId && e.MessageTemplate.Text.Contains("completed") && CapturingSink.Scalar(e, "Step") is null)
                .WaitAsync(Limit);
            await host.StopAsync();
        }

        var agentStep = capture.Events.Single(e => CapturingSink.Scalar(e, "RunId") == runId && CapturingSink.Scalar(e, "Step") == "ask" && CapturingSink.Scalar(e, "Model") is not null);
        CapturingSink.Scalar(agentStep, "Model").Should().Be("scripted/model");
        CapturingSink.Scalar(agentStep, "InputTokens").Should().Be("11");

        var all = string.Join("\n", capture.Events.Select(CapturingSink.Text));
        all.Should().Contain("calling with key \"***\"").And.Contain("auth failed for ***").And.Contain("literal ***");
        all.Should().NotContain(ApiKey).And.NotContain(DbPassword);

        var written = string.Join("\n", Directory.GetFiles(Path.GetDirectoryName(logFile)!).Select(File.ReadAllText));
        written.Should().Contain(runId).And.Contain("\"Model\":\"scripted/model\"");
        written.Should().NotContain(ApiKey).And.NotContain(DbPassword);
    }

    [Fact]
    public void A_secret_set_in_code_is_masked_too()
    {
        var secrets = new LlmSpellSecrets();
        secrets.AddFrom(LlmSpellOptions.Default.WithLlm(l => l.WithOpenAI(o => o with { ApiKey = "code-key-123" })).WithPostgresJournal("Host=h;Pwd=p4ssw0rd"));

        secrets.Redact("k=code-key-123 pw=p4ssw0rd").Should().Be("k=*** pw=***");
    }

    [Fact]
    public void An_invalid_logging_level_fails_with_its_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("LlmSpell:Logging:MinimumLevel", (string?)"Loud")]);

        var use = () => builder.UseLlmSpellSerilog();

        use.Should().Throw<LlmSpellConfigurationException>().Which.Message.Should().StartWith("LlmSpell:Logging:MinimumLevel: must be one of Verbose");
    }
}
