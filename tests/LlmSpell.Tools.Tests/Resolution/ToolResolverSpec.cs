using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Resolution;
using Microsoft.Extensions.AI;

namespace LlmSpell.Tools.Tests.Resolution;

public sealed class ToolResolverSpec
{
    private static readonly ToolRegistry Tools = new ToolRegistry()
        .AddTool(Tool("calculator", """{"type":"object","properties":{"expression":{"type":"string"},"precision":{"type":"integer","default":2}},"required":["expression"]}"""), "calc")
        .AddTool(Tool("hash", """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""));

    private static ITool Tool(string name, string schema) =>
        new DelegateTool(name, $"The {name} tool.", JsonNode.Parse(schema)!.AsObject(), (args, _, _) => Task.FromResult<JsonNode?>(args.Values.DeepClone()));

    private static JsonObject Params(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public async Task An_explicit_tool_name_wins_over_everything_else()
    {
        var resolution = await new ToolResolver(Tools).ResolveAsync(
            new ToolRequest { StepName = "calculator", ToolName = "hash", ToolField = "calculator", Parameters = Params("""{"text":"x"}""") }, default);
        resolution.Tool.Name.Should().Be("hash");
        resolution.Route.Should().Be(ToolResolutionRoute.Named);
        resolution.How.Should().Be("named");
        resolution.Arguments.ToJsonString().Should().Be("""{"text":"x"}""");
    }

    [Fact]
    public async Task The_tool_field_of_the_simple_format_comes_next()
    {
        var resolution = await new ToolResolver(Tools).ResolveAsync(
            new ToolRequest { StepName = "hash", ToolField = "calc", Parameters = Params("""{"expression":"1+1"}""") }, default);
        resolution.Tool.Name.Should().Be("calculator");
        resolution.How.Should().Be("named");
        resolution.RequestedName.Should().Be("calc");
        resolution.Arguments["precision"]!.GetValue<int>().Should().Be(2, "defaults are applied when resolving");
    }

    [Fact]
    public async Task A_step_named_like_a_tool_runs_that_tool()
    {
        var resolution = await new ToolResolver(Tools).ResolveAsync(new ToolRequest { StepName = "Hash", Parameters = Params("""{"text":"x"}""") }, default);
        resolution.Tool.Name.Should().Be("hash");
        resolution.How.Should().Be("step-name");
    }

    [Fact]
    public async Task A_step_named_like_an_alias_runs_the_aliased_tool()
    {
        var resolution = await new ToolResolver(Tools).ResolveAsync(new ToolRequest { StepName = "calc", Parameters = Params("""{"expression":"2"}""") }, default);
        resolution.Tool.Name.Should().Be("calculator");
        resolution.How.Should().Be("alias");
    }

    [Fact]
    public async Task Otherwise_a_model_chooses_the_tool_and_its_arguments_by_function_calling()
    {
        var model = ScriptedChatClient.Calls("calculator", new Dictionary<string, object?> { ["expression"] = JsonSerializer.SerializeToElement("6*7") }, "Using the calculator.");
        var resolution = await new ToolResolver(Tools, model).ResolveAsync(
            new ToolRequest { StepName = "compute", Description = "Multiply six by seven" }, default);

        resolution.Tool.Name.Should().Be("calculator");
        resolution.How.Should().Be("dynamic");
        resolution.Arguments.ToJsonString().Should().Be("""{"expression":"6*7","precision":2}""");
        resolution.ModelText.Should().Be("Using the calculator.");

        var (messages, options) = model.Requests.Should().ContainSingle().Subject;
        messages.Last().Text.Should().Contain("Multiply six by seven");
        options!.ToolMode.Should().Be(ChatToolMode.RequireAny);
        var offered = options.Tools!.Cast<AIFunctionDeclaration>().ToDictionary(f => f.Name);
        offered.Keys.Should().BeEquivalentTo("calculator", "hash");
        offered["hash"].Description.Should().Be("The hash tool.");
        offered["hash"].JsonSchema.GetProperty("required")[0].GetString().Should().Be("text");
    }

    [Fact]
    public async Task Step_parameters_the_chosen_tool_declares_override_the_models_values()
    {
        var model = ScriptedChatClient.Calls("calculator", new Dictionary<string, object?> { ["expression"] = "1", ["precision"] = 5 });
        var resolution = await new ToolResolver(Tools, model).ResolveAsync(
            new ToolRequest { StepName = "compute", Description = "Work it out", Parameters = Params("""{"expression":"2+2","note":"context only"}""") }, default);
        resolution.Arguments.ToJsonString(LlmSpell.Tools.Schema.JsonValues.Readable).Should().Be("""{"expression":"2+2","precision":5}""");
        model.Requests[0].Messages.Last().Text.Should().Contain("context only");
    }

    [Fact]
    public async Task A_tool_that_stands_for_one_step_is_never_offered_to_a_model_nor_taken_from_it()
    {
        var tools = new ToolRegistry()
            .AddTool(Tool("hash", """{"type":"object","properties":{"text":{"type":"string"}}}"""))
            .AddTool(new DelegateTool("lua-step-1-1", "A Lua step.", new JsonObject { ["type"] = "object" }, (_, _, _) => Task.FromResult<JsonNode?>(null)) { OfferedToModels = false });
        var offering = ScriptedChatClient.Calls("hash", new Dictionary<string, object?> { ["text"] = "x" });
        await new ToolResolver(tools, offering).ResolveAsync(new ToolRequest { StepName = "digest", Description = "Hash it" }, default);
        var offered = offering.Requests.Single().Options!.Tools!.Select(t => t.Name);

        var guessing = ScriptedChatClient.Calls("lua-step-1-1", new Dictionary<string, object?>());
        var act = () => new ToolResolver(tools, guessing).ResolveAsync(new ToolRequest { StepName = "digest", Description = "Hash it" }, default);

        offered.Should().Equal("hash");
        (await act.Should().ThrowAsync<ToolResolutionException>()).Which.Message.Should().Contain("'lua-step-1-1', which is not a registered tool");
        (await new ToolResolver(tools).ResolveAsync(new ToolRequest { StepName = "s", ToolName = "lua-step-1-1" }, default)).Tool.Name
            .Should().Be("lua-step-1-1", "named, it runs");
    }

    [Fact]
    public async Task A_model_that_calls_no_tool_gets_an_error_listing_the_tools()
    {
        var act = () => new ToolResolver(Tools, ScriptedChatClient.Says("I would rather chat.")).ResolveAsync(
            new ToolRequest { StepName = "compute", Description = "Do something" }, default);
        var error = (await act.Should().ThrowAsync<ToolResolutionException>()).Which;
        error.Message.Should().Contain("the model chose none").And.Contain("I would rather chat.").And.Contain("Available tools: calculator, hash.");
        error.StepName.Should().Be("compute");
    }

    [Fact]
    public async Task A_model_that_calls_an_unknown_tool_gets_an_error_listing_the_tools()
    {
        var act = () => new ToolResolver(Tools, ScriptedChatClient.Calls("web-search", new Dictionary<string, object?>())).ResolveAsync(
            new ToolRequest { StepName = "compute" }, default);
        (await act.Should().ThrowAsync<ToolResolutionException>()).WithMessage("*'web-search', which is not a registered tool*Available tools: calculator, hash.");
    }

    [Fact]
    public async Task Model_arguments_that_break_the_schema_are_refused_naming_the_parameter()
    {
        var act = () => new ToolResolver(Tools, ScriptedChatClient.Calls("hash", new Dictionary<string, object?> { ["text"] = 5 })).ResolveAsync(
            new ToolRequest { StepName = "digest-it" }, default);
        (await act.Should().ThrowAsync<ToolParameterException>()).Which.ParameterPath.Should().Be("text");
    }

    [Fact]
    public async Task An_unknown_explicit_name_fails_without_asking_a_model()
    {
        var model = ScriptedChatClient.Calls("hash", new Dictionary<string, object?> { ["text"] = "x" });
        var act = () => new ToolResolver(Tools, model).ResolveAsync(new ToolRequest { StepName = "s", ToolName = "nope" }, default);
        (await act.Should().ThrowAsync<ToolResolutionException>()).WithMessage("Tool step 's' names the tool 'nope', which is not registered. Available tools: calculator, hash.");
        model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_model_an_unnamed_step_fails_saying_what_to_do()
    {
        var act = () => new ToolResolver(Tools).ResolveAsync(new ToolRequest { StepName = "mystery" }, default);
        (await act.Should().ThrowAsync<ToolResolutionException>()).WithMessage("*'mystery' names no tool*no model is configured*name the tool in the step*Available tools: calculator, hash.");
    }

    [Fact]
    public async Task Parameters_of_a_named_tool_are_validated_when_resolving()
    {
        var act = () => new ToolResolver(Tools).ResolveAsync(new ToolRequest { StepName = "hash" }, default);
        (await act.Should().ThrowAsync<ToolParameterException>()).Which.Rule.Should().Be("required");
    }

    [Fact]
    public void The_routes_without_a_model_resolve_synchronously_and_say_when_a_model_is_needed()
    {
        var resolver = new ToolResolver(Tools);
        resolver.TryResolveWithoutModel(new ToolRequest { StepName = "calc", Parameters = Params("""{"expression":"1"}""") })!.How.Should().Be("alias");
        resolver.TryResolveWithoutModel(new ToolRequest { StepName = "summarise" }).Should().BeNull();
    }

    [Fact]
    public async Task A_resolution_invokes_its_tool_with_its_arguments()
    {
        var resolution = await new ToolResolver(Tools).ResolveAsync(new ToolRequest { StepName = "hash", Parameters = Params("""{"text":"x"}""") }, default);
        using var workspace = new TempWorkspace();
        (await resolution.InvokeAsync(workspace.Context, default))!.ToJsonString().Should().Be("""{"text":"x"}""");
    }

    [Fact]
    public async Task An_invocable_function_runs_the_tool_for_a_model()
    {
        using var workspace = new TempWorkspace();
        var function = ToolFunctions.Function(Tools.Find("hash")!, workspace.Context);
        var result = await function.InvokeAsync(new AIFunctionArguments { ["text"] = "y" });
        ((JsonNode)result!).ToJsonString().Should().Be("""{"text":"y"}""");
    }
}
