using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn;

namespace LlmSpell.Tools.Tests.BuiltIn;

public sealed class BuiltInToolsSpec
{
    [Fact]
    public void Register_adds_every_built_in_tool_with_its_aliases()
    {
        var registry = BuiltInTools.Register(new ToolRegistry(), ToolsOptions.Default);
        registry.All.Select(t => t.Name).Should().Equal(BuiltInTools.Names);
        registry.Find("calc")!.Name.Should().Be("calculator");
        registry.Find("template-engine")!.Name.Should().Be("text-template");
        foreach (var tool in registry.All.OfType<IDisposable>()) tool.Dispose();
    }

    [Fact]
    public void Every_built_in_has_a_one_line_description_and_object_schemas()
    {
        foreach (var tool in BuiltInTools.Create())
        {
            tool.Description.Should().NotContain("\n").And.EndWith(".", because: tool.Name);
            tool.ParametersSchema["type"]!.GetValue<string>().Should().Be("object", because: tool.Name);
            tool.ParametersSchema["additionalProperties"]!.GetValue<bool>().Should().BeFalse(because: $"{tool.Name} should refuse unknown parameters");
            tool.OutputSchema["type"]!.GetValue<string>().Should().Be("object", because: tool.Name);
            (tool as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Registering_twice_fails_before_registering_anything_the_second_time()
    {
        var registry = new ToolRegistry().AddTool("hash", "The app's own hash.", new JsonObject { ["type"] = "object" }, (_, _, _) => Task.FromResult<JsonNode?>(null));
        var act = () => BuiltInTools.Register(registry);
        act.Should().Throw<ToolRegistrationException>().WithMessage("*hash is already registered*");
        registry.All.Should().ContainSingle();
    }
}
