using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using LlmSpell.Hosting;
using LlmSpell.Llm;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmSpell.Hosting.Tests;

/// <summary>Helpers shared by the hosting specs: a temp data dir, counting tools, hosts.</summary>
public abstract class HostSpec : IDisposable
{
    protected static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    protected string DataDir { get; } = Path.Combine(Path.GetTempPath(), "llmspell-hosting-" + Guid.NewGuid().ToString("N"));

    protected static StepDefinition Tool(string name) => new()
    {
        Name = name,
        Kind = StepKind.Tool,
        Tool = new ToolStepSpec { ToolName = name, Parameters = new JsonObject() },
    };

    protected static WorkflowDefinition Sequential(string name, params StepDefinition[] steps) =>
        new() { Name = name, Type = WorkflowType.Sequential, Steps = steps };

    protected static DelegateTool CountingTool(string name, Func<int, CancellationToken, Task>? body = null)
    {
        var calls = 0;
        return new DelegateTool(name, $"the {name} tool", new JsonObject { ["type"] = "object" }, async (_, _, ct) =>
        {
            var n = Interlocked.Increment(ref calls);
            Counters.AddOrUpdate(name, 1, (_, c) => c + 1);
            if (body is not null) await body(n, ct);
            return new JsonObject { ["tool"] = name, ["n"] = n };
        });
    }

    protected static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Counters = new();

    protected IHost BuildHost(Action<LlmSpellBuilder> configure, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLlmSpell(b =>
        {
            b.WithSqliteJournal(DataDir);
            configure(b);
        });
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public void Dispose()
    {
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

public sealed class HostingSpec : HostSpec
{
    [Fact]
    public async Task The_host_registers_the_engine_services_and_the_workflow_supervisor()
    {
        using var host = BuildHost(b => b.WithActorSystem("embedded"), s => s.AddSingleton<ITool>(CountingTool("app-tool")));
        await host.StartAsync();

        host.Services.GetRequiredService<ActorSystem>().Name.Should().Be("embedded");
        host.Services.GetRequiredService<IWorkflowEngine>().Should().BeSameAs(host.Services.GetRequiredService<IWorkflowOperations>());
        host.Services.GetRequiredService<IChatClientProvider>().Should().NotBeNull();
        var tools = host.Services.GetRequiredService<IToolRegistry>();
        tools.Find("app-tool").Should().NotBeNull("tools registered in DI join the registry");
        tools.Find("file-read").Should().NotBeNull("built-in tools are on by default");
        var runs = host.Services.GetRequiredService<IRequiredActor<LlmSpellRuns>>().ActorRef;
        runs.Path.ToString().Should().EndWith("/user/llmspell-runs");
        host.Services.GetRequiredService<ActorRegistry>().Get<LlmSpellRuns>().Should().BeSameAs(runs);

        var result = await host.Services.GetRequiredService<IWorkflowEngine>().RunAsync(Sequential("one", Tool("app-tool"))).WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        await host.StopAsync();
    }

    private sealed class EchoKey;

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(s => Sender.Tell("echo " + s, Self));
    }

    [Fact]
    public async Task Actors_the_app_creates_at_start_are_required_by_key()
    {
        using var host = BuildHost(b => b.WithInMemoryRuns().WithAkka((akka, _) =>
            akka.WithActors((system, registry) => registry.Register<EchoKey>(system.ActorOf(Props.Create<Echo>(), "echo")))));
        await host.StartAsync();

        var echo = host.Services.GetRequiredService<IRequiredActor<EchoKey>>();
        (await echo.GetAsync().WaitAsync(Limit)).Path.ToString().Should().EndWith("/user/echo");
        var twice = () => host.Services.GetRequiredService<ActorRegistry>().Register<EchoKey>(echo.ActorRef);
        twice.Should().Throw<DuplicateActorRegistryException>().WithMessage("*EchoKey*");
        await host.StopAsync();
    }

    [Fact]
    public void An_actor_key_not_registered_fails_with_its_name()
    {
        var registry = new ActorRegistry();
        var get = () => registry.Get<HostingSpec>();
        get.Should().Throw<MissingActorRegistryEntryException>().WithMessage("*HostingSpec*");
    }

    [Fact]
    public async Task An_app_tool_named_like_a_built_in_fails_the_start_naming_the_tool()
    {
        using var host = BuildHost(_ => { }, s => s.AddSingleton<ITool>(CountingTool("hash")));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<ToolRegistrationException>()).Which.Message.Should().Contain("'hash'");
    }

    [Fact]
    public async Task Stopping_the_host_keeps_an_in_flight_run_that_the_next_host_resumes()
    {
        var name = "fetch-" + Guid.NewGuid().ToString("N");
        var block = "block-" + Guid.NewGuid().ToString("N");
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = BuildHost(b => b
            .WithTool(CountingTool(name))
            .WithTool(CountingTool(block, async (_, ct) =>
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            })));
        await first.StartAsync();
        var engine = first.Services.GetRequiredService<IWorkflowEngine>();
        var run = await engine.StartAsync(Sequential("resumable", Tool(name), Tool(block)));
        await blocked.Task.WaitAsync(Limit);
        await first.StopAsync();
        first.Dispose();
        Counters[name].Should().Be(1);

        var second = BuildHost(b => b
            .WithTool(CountingTool(name))
            .WithTool(CountingTool(block)));
        await second.StartAsync();
        var recovered = await second.Services.GetRequiredService<WorkflowEngine>().Recovery.WaitAsync(Limit);
        var resumed = recovered.Should().ContainSingle().Subject;
        resumed.Id.Should().Be(run.Id);
        var result = await resumed.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        Counters[name].Should().Be(1, "the completed first step does not run again");
        Counters[block].Should().Be(2, "the interrupted step runs again");
        (await second.Services.GetRequiredService<IWorkflowOperations>().ListRunsAsync()).Single().State.Should().Be(RunState.Completed);
        await second.StopAsync();
        second.Dispose();
    }
}
