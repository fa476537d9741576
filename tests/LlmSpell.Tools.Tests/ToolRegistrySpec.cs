using System.Text.Json.Nodes;

namespace LlmSpell.Tools.Tests;

public sealed class ToolRegistrySpec
{
    private static ITool Tool(string name, params string[] aliases) =>
        new DelegateTool(name, $"The {name} tool.", new JsonObject { ["type"] = "object" }, (_, _, _) => Task.FromResult<JsonNode?>(name), aliases: aliases);

    [Fact]
    public void Tools_are_found_by_name_and_alias_case_insensitively()
    {
        var registry = new ToolRegistry().AddTool(Tool("calculator", "calc")).AddTool(Tool("hash"), "digest");
        registry.Find("CALCULATOR")!.Name.Should().Be("calculator");
        registry.Find("calc")!.Name.Should().Be("calculator");
        registry.Find("Digest")!.Name.Should().Be("hash");
        registry.Find("nope").Should().BeNull();
        registry.All.Select(t => t.Name).Should().Equal("calculator", "hash");
        registry.AliasesOf("hash").Should().Equal("digest");
    }

    [Fact]
    public void Remove_drops_the_tool_and_its_aliases_so_the_names_can_be_taken_again()
    {
        var registry = new ToolRegistry().AddTool(Tool("calculator", "calc")).AddTool(Tool("hash"));
        registry.Remove("calc").Should().BeFalse("an alias does not name the tool to remove");
        registry.Remove("CALCULATOR").Should().BeTrue();
        registry.Find("calculator").Should().BeNull();
        registry.Find("calc").Should().BeNull();
        registry.All.Select(t => t.Name).Should().Equal("hash");
        registry.Remove("calculator").Should().BeFalse();
        registry.AddTool(Tool("calculator", "calc")).Find("calc")!.Name.Should().Be("calculator");
    }

    [Fact]
    public void A_duplicate_name_is_refused_naming_the_holder()
    {
        var registry = new ToolRegistry().AddTool(Tool("hash"));
        var act = () => registry.AddTool(Tool("HASH"));
        act.Should().Throw<ToolRegistrationException>().WithMessage("*'HASH'*already the name of a registered tool*");
        registry.All.Should().ContainSingle();
    }

    [Fact]
    public void An_alias_that_collides_with_a_name_or_alias_is_refused_and_nothing_of_that_tool_is_registered()
    {
        var registry = new ToolRegistry().AddTool(Tool("calculator", "calc"));
        var act = () => registry.AddTool(Tool("math"), "calc");
        act.Should().Throw<ToolRegistrationException>().WithMessage("*'calc'*alias of the tool 'calculator'*");
        registry.Find("math").Should().BeNull();
        var alias = () => registry.AddAlias("calculator", "calculator");
        alias.Should().Throw<ToolRegistrationException>();
    }

    [Fact]
    public void Aliases_can_be_added_later_but_only_to_registered_tools()
    {
        var registry = new ToolRegistry().AddTool(Tool("uuid"));
        registry.AddAlias("uuid", "guid").Find("guid")!.Name.Should().Be("uuid");
        var act = () => registry.AddAlias("nope", "x");
        act.Should().Throw<ToolRegistrationException>().WithMessage("*no tool is named 'nope'*Registered: uuid*");
    }

    [Fact]
    public void A_function_registers_as_a_tool()
    {
        var registry = new ToolRegistry().AddTool("echo", "Echoes.", new JsonObject { ["type"] = "object" },
            (args, _, _) => Task.FromResult<JsonNode?>(args.Values.DeepClone()));
        registry.Find("echo")!.Description.Should().Be("Echoes.");
    }

    [Fact]
    public void An_invalid_alias_is_refused()
    {
        var act = () => new ToolRegistry().AddTool(Tool("a"), "not ok");
        act.Should().Throw<ToolRegistrationException>().WithMessage("*alias 'not ok' is not valid*");
    }
}
