namespace LlmSpell.Tools.Tests;

public sealed class ToolsOptionsSpec
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var o = ToolsOptions.Default;
        o.MaxFileBytes.Should().Be(1024 * 1024);
        o.MaxResponseBytes.Should().Be(1024 * 1024);
        o.HttpTimeout.Should().Be(TimeSpan.FromSeconds(30));
        o.AllowedHosts.Should().BeEmpty();
        o.AllowPrivateNetworks.Should().BeFalse();
        o.AllowLoopback.Should().BeFalse();
        o.WorkspaceDirectory.Should().BeNull();
    }

    [Fact]
    public void With_methods_return_changed_copies()
    {
        var o = ToolsOptions.Default.WithMaxFileBytes(10).WithAllowedHosts("a.example").WithAllowLoopback();
        o.MaxFileBytes.Should().Be(10);
        o.AllowedHosts.Should().Equal("a.example");
        o.AllowLoopback.Should().BeTrue();
        ToolsOptions.Default.MaxFileBytes.Should().Be(1024 * 1024);
    }

    [Fact]
    public void Out_of_range_values_are_refused_naming_the_option()
    {
        var act = () => ToolsOptions.Default.WithMaxFileBytes(0);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxFileBytes*");
        var init = () => (ToolsOptions.Default with { HttpTimeout = TimeSpan.Zero }).Validated();
        init.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*HttpTimeout*");
    }
}
