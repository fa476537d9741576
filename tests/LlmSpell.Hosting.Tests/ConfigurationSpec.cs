using LlmSpell.Hosting;
using LlmSpell.Llm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmSpell.Hosting.Tests;

public sealed class ConfigurationSpec : HostSpec
{
    private static readonly string AppSettings = Path.Combine(RepoRoot(), "config", "appsettings.json");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlmSpell.Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static LlmSpellOptions Bind(params (string Key, string? Value)[] values) =>
        LlmSpellConfiguration.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value)))
            .Build().GetSection("LlmSpell"));

    [Fact]
    public void The_shipped_appsettings_file_binds_to_the_defaults()
    {
        var options = LlmSpellConfiguration.Bind(new ConfigurationBuilder().AddJsonFile(AppSettings).Build().GetSection("LlmSpell"));

        options.SystemName.Should().Be(LlmSpellOptions.Default.SystemName);
        options.DataDirectory.Should().Be(LlmSpellOptions.Default.DataDirectory);
        LlmSpellOptions.Default.DataDirectory.Should().Be(LlmSpell.Llm.DataHome.Resolve().Path, "hosts and the CLI share one data home");
        options.Journal.Should().Be(JournalKind.Sqlite);
        options.DefaultModel.Should().Be(LlmSpellOptions.DefaultModelSpec);
        options.ResumeOnStart.Should().BeTrue();
        options.Llm.Ollama.Should().Be(LlmProviderOptions.Default.Ollama);
        options.Llm.OpenAI.Should().Be(LlmProviderOptions.Default.OpenAI);
        options.Tools.MaxFileBytes.Should().Be(LlmSpellOptions.Default.Tools.MaxFileBytes);
        options.Tools.HttpTimeout.Should().Be(LlmSpellOptions.Default.Tools.HttpTimeout);
    }

    [Fact]
    public void Values_bind_into_endpoints_agents_and_journal()
    {
        var options = Bind(
            ("LlmSpell:Journal", "postgres"),
            ("LlmSpell:PostgresConnectionString", "Host=127.0.0.1;Password=pw"),
            ("LlmSpell:Llm:Endpoints:local:Kind", "openai"),
            ("LlmSpell:Llm:Endpoints:local:BaseUrl", "http://127.0.0.1:8000/v1"),
            ("LlmSpell:Llm:Endpoints:local:MaxConcurrency", "2"),
            ("LlmSpell:Llm:Endpoints:local:StallWarning", "00:00:05"),
            ("LlmSpell:Agents:analyst:Model", "local/qwen"),
            ("LlmSpell:Agents:analyst:Temperature", "0.2"));

        options.Journal.Should().Be(JournalKind.Postgres);
        options.Llm.Endpoints["local"].Kind.Should().Be(LlmProviderKind.OpenAICompatible);
        options.Llm.Endpoints["local"].MaxConcurrency.Should().Be(2);
        options.Llm.Endpoints["local"].BaseUrl.Should().Be(new Uri("http://127.0.0.1:8000/v1"));
        options.Llm.Endpoints["local"].StallWarning.Should().Be(TimeSpan.FromSeconds(5));
        options.Agents.Should().ContainSingle(a => a.Id == "analyst" && a.Model == "local/qwen" && a.Temperature == 0.2);
    }

    [Theory]
    [InlineData("LlmSpell:Llm:Endpoints:ollama:MaxConcurrency", "0", "LlmSpell:Llm:Endpoints:ollama:MaxConcurrency: must be at least 1, got 0")]
    [InlineData("LlmSpell:Llm:Endpoints:ollama:MaxConcurrency", "many", "LlmSpell:Llm:Endpoints:ollama:MaxConcurrency: must be an integer, got 'many'")]
    [InlineData("LlmSpell:Llm:Endpoints:ollama:BaseUrl", "ftp://x", "LlmSpell:Llm:Endpoints:ollama:BaseUrl: must be an absolute http(s) URL, got 'ftp://x'")]
    [InlineData("LlmSpell:Llm:Endpoints:ollama:RequestTimeout", "-00:01:00", "LlmSpell:Llm:Endpoints:ollama:RequestTimeout: must be a positive duration like 00:05:00, got '-00:01:00'")]
    [InlineData("LlmSpell:Llm:Endpoints:vllm:BaseUrl", "http://127.0.0.1:1", "LlmSpell:Llm:Endpoints:vllm:Kind: is required for an endpoint other than ollama and openai")]
    [InlineData("LlmSpell:Journal", "Mongo", "LlmSpell:Journal: must be one of None, Sqlite, Postgres, got 'Mongo'")]
    [InlineData("LlmSpell:Journal", "Postgres", "LlmSpell:PostgresConnectionString: is required when Journal is Postgres")]
    [InlineData("LlmSpell:Cluster:Enabled", "true", "LlmSpell:Cluster: is not a setting (settings here: SystemName, DataDirectory, Journal, DatabaseFile, PostgresConnectionString, PostgresSchema, ResumeOnStart, DefaultModel, BuiltInTools, WorkspaceDirectory, Llm, Agents, Tools, Logging)")]
    [InlineData("LlmSpell:ResumeOnStart", "yes", "LlmSpell:ResumeOnStart: must be true or false, got 'yes'")]
    [InlineData("LlmSpell:Agents:a:Temperature", "3", "LlmSpell:Agents:a:Temperature: must be a number from 0 to 2, got '3'")]
    [InlineData("LlmSpell:DefaultModel", "ollama/", "LlmSpell:DefaultModel: must be a model spec like ollama/llama3.2:3b, got 'ollama/'")]
    [InlineData("LlmSpell:Agents:a:Model", "nowhere/m", "LlmSpell:Agents:a:Model: provider 'nowhere' of model 'nowhere/m' has no endpoint; add LlmSpell:Llm:Endpoints:nowhere")]
    [InlineData("LlmSpell:DefualtModel", "ollama/x", "LlmSpell:DefualtModel: is not a setting; did you mean 'DefaultModel'? (settings here: SystemName, DataDirectory, Journal, DatabaseFile, PostgresConnectionString, PostgresSchema, ResumeOnStart, DefaultModel, BuiltInTools, WorkspaceDirectory, Llm, Agents, Tools, Logging)")]
    [InlineData("LlmSpell:Llm:Endpoints:ollama:MaxConcurency", "8", "LlmSpell:Llm:Endpoints:ollama:MaxConcurency: is not a setting; did you mean 'MaxConcurrency'? (settings here: Kind, BaseUrl, ApiKey, MaxConcurrency, MaxRetries, RequestTimeout, ConnectTimeout, KeepAlive, StallWarning)")]
    [InlineData("LlmSpell:Tools:AllowedHost:0", "example.com", "LlmSpell:Tools:AllowedHost: is not a setting; did you mean 'AllowedHosts'? (settings here: MaxFileBytes, MaxResponseBytes, HttpTimeout, AllowedHosts, AllowPrivateNetworks, AllowLoopback, MaxRedirects, MaxResults)")]
    [InlineData("LlmSpell:Agents:a:Prompt", "be brief", "LlmSpell:Agents:a:Prompt: is not a setting (settings here: Model, SystemPrompt, Temperature, MaxTokens)")]
    public async Task Invalid_configuration_fails_at_start_with_the_key_and_the_reason(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(key, (string?)value), KeyValuePair.Create("LlmSpell:DataDirectory", (string?)DataDir)]);
        builder.Services.AddLlmSpell();
        using var host = builder.Build();

        var start = () => host.StartAsync();

        var error = (await start.Should().ThrowAsync<LlmSpellConfigurationException>()).Which;
        error.Message.Should().Be(message);
        error.Key.Should().Be(message[..message.IndexOf(": ", StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task A_postgres_schema_that_is_not_a_plain_name_fails_at_start_with_its_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            KeyValuePair.Create("LlmSpell:Journal", (string?)"Postgres"),
            KeyValuePair.Create("LlmSpell:PostgresConnectionString", (string?)"Host=127.0.0.1;Password=pw"),
            KeyValuePair.Create("LlmSpell:PostgresSchema", (string?)"runs; drop table x"),
            KeyValuePair.Create("LlmSpell:DataDirectory", (string?)DataDir)]);
        builder.Services.AddLlmSpell();
        using var host = builder.Build();

        var start = () => host.StartAsync();

        var error = (await start.Should().ThrowAsync<LlmSpellConfigurationException>()).Which;
        error.Key.Should().Be("LlmSpell:PostgresSchema");
        error.Message.Should().StartWith("LlmSpell:PostgresSchema: 'runs; drop table x' is not a schema name");
    }

    [Fact]
    public void The_postgres_schema_binds_into_the_journal_store()
    {
        var options = Bind(
            ("LlmSpell:Journal", "Postgres"),
            ("LlmSpell:PostgresConnectionString", "Host=127.0.0.1;Password=pw"),
            ("LlmSpell:PostgresSchema", "orders_runs"));

        options.PostgresSchema.Should().Be("orders_runs");
        options.ToRunStoreOptions()!.Schema.Should().Be("orders_runs");
    }

    [Fact]
    public async Task Environment_overrides_the_file_and_the_command_line_overrides_both()
    {
        var file = Path.Combine(DataDir, "appsettings.json");
        Directory.CreateDirectory(DataDir);
        await File.WriteAllTextAsync(file, """{ "LlmSpell": { "SystemName": "from-file", "DefaultModel": "ollama/file", "Journal": "Sqlite" } }""");
        Environment.SetEnvironmentVariable("LLMSPELL__DefaultModel", "ollama/from-env");
        Environment.SetEnvironmentVariable("LLMSPELL__Journal", "Sqlite");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddLlmSpellConfiguration(["--LlmSpell:Journal=None"], file);
            builder.Services.AddLlmSpell();
            using var host = builder.Build();

            var options = host.Services.GetRequiredService<LlmSpellOptions>();

            options.SystemName.Should().Be("from-file");
            options.DefaultModel.Should().Be("ollama/from-env");
            options.Journal.Should().Be(JournalKind.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LLMSPELL__DefaultModel", null);
            Environment.SetEnvironmentVariable("LLMSPELL__Journal", null);
        }
    }

    [Fact]
    public async Task Without_a_journal_runs_are_in_memory_and_no_database_is_created()
    {
        using var host = BuildHost(b => b.WithInMemoryRuns().WithTool(CountingTool("mem-" + Guid.NewGuid().ToString("N")[..8])));
        await host.StartAsync();
        var ops = () => host.Services.GetRequiredService<LlmSpell.Workflows.Durability.IWorkflowOperations>().ListRunsAsync();
        await ops.Should().ThrowAsync<InvalidOperationException>().WithMessage("*not durable*");
        File.Exists(host.Services.GetRequiredService<LlmSpellOptions>().DatabasePath).Should().BeFalse();
        await host.StopAsync();
    }
}
