using LlmSpell.Tools.BuiltIn.Arithmetic;

namespace LlmSpell.Tools.Tests.BuiltIn.Arithmetic;

public sealed class CalculatorSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 / 4", 2.5)]
    [InlineData("10 % 4", 2)]
    [InlineData("2 ^ 3 ^ 2", 512)]
    [InlineData("-2 ^ 2", -4)]
    [InlineData("2 ^ -1", 0.5)]
    [InlineData("--3", 3)]
    [InlineData("-(2 + 3)", -5)]
    [InlineData("1.5e2 + .5", 150.5)]
    [InlineData("sqrt(16) + abs(-2)", 6)]
    [InlineData("min(3, 1, 2) + max(4, 5)", 6)]
    [InlineData("round(2.5) + round(1.2345, 2)", 4.23)]
    [InlineData("floor(2.7) + ceil(2.1)", 5)]
    [InlineData("log(e) + log(100, 10) + exp(0)", 4)]
    [InlineData("sin(0) + cos(0) + tan(0)", 1)]
    [InlineData("PI", Math.PI)]
    public void Evaluates_arithmetic(string expression, double expected) =>
        Expression.Evaluate(expression).Should().BeApproximately(expected, 1e-9);

    [Theory]
    [InlineData("1 +", 3, "ends where a number was expected")]
    [InlineData("(1 + 2", 6, "missing ')'")]
    [InlineData("1 + 2)", 5, "unmatched ')'")]
    [InlineData("2 * foo", 4, "unknown name 'foo'")]
    [InlineData("bar(1)", 0, "unknown function 'bar'")]
    [InlineData("1 / 0", 2, "division by zero")]
    [InlineData("sqrt(-1)", 0, "has no real value")]
    [InlineData("min()", 0, "min takes at least 1 argument, not 0")]
    [InlineData("sqrt(1, 2)", 0, "sqrt takes 1 argument, not 2")]
    [InlineData("1 $ 2", 2, "unexpected '$'")]
    [InlineData("", 0, "empty")]
    [InlineData("sqrt + 1", 5, "'sqrt' is a function")]
    public void Errors_point_at_the_position(string expression, int position, string message)
    {
        var act = () => Expression.Evaluate(expression);
        act.Should().Throw<ExpressionException>().Where(e => e.Position == position).WithMessage($"*{message}*");
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var act = () => Expression.Evaluate(new string('(', 500) + "1" + new string(')', 500));
        act.Should().Throw<ExpressionException>().WithMessage("*nested more than*");
        var unary = () => Expression.Evaluate(new string('-', 500) + "1");
        unary.Should().Throw<ExpressionException>();
    }

    [Fact]
    public void Variables_are_used_and_no_code_runs()
    {
        Expression.Evaluate("x * 2 + y", new Dictionary<string, double> { ["x"] = 3, ["y"] = 1 }).Should().Be(7);
        var act = () => Expression.Evaluate("System.IO.File.Delete(\"x\")");
        act.Should().Throw<ExpressionException>().WithMessage("*unknown*");
    }

    [Fact]
    public async Task The_tool_returns_the_result_and_reports_syntax_errors_on_the_expression_parameter()
    {
        var tool = new CalculatorTool();
        var result = await tool.Run("""{"expression":"(2 + 3) * x","variables":{"x":4}}""", _workspace.Context);
        result.ToJsonString().Should().Be("""{"result":20,"text":"20"}""");
        (await tool.Run("""{"expression":"1/3"}""", _workspace.Context))["result"]!.GetValue<double>().Should().BeApproximately(1 / 3.0, 1e-15);

        var error = (await tool.Calling("""{"expression":"2 * (3 +"}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("expression");
        error.Rule.Should().Be("syntax");
        error.Position.Should().Be(8);
        error.Message.Should().Contain("at position 8");

        (await tool.Calling("""{"expression":"10 ^ 400"}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which.Rule.Should().Be("finite");
        (await tool.Calling("""{"expression":""}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which.Rule.Should().Be("minLength");
    }
}
