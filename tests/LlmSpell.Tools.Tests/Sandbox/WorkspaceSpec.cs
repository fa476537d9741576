using LlmSpell.Tools.Sandbox;

namespace LlmSpell.Tools.Tests.Sandbox;

public sealed class WorkspaceSpec : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    private Workspace Workspace => new("t", _temp.Root);

    [Fact]
    public void Relative_paths_resolve_inside_and_report_relative_forms()
    {
        var full = Workspace.Resolve("a/b/../c.txt");
        full.Should().Be(Path.Combine(Workspace.Root, "a", "c.txt"));
        Workspace.Relative(full).Should().Be("a/c.txt");
        Workspace.Relative(Workspace.Resolve(".")).Should().Be(".");
    }

    [Fact]
    public void The_root_is_its_real_path_even_when_reached_through_a_symlink()
    {
        var link = _temp.Root + "-link";
        Directory.CreateSymbolicLink(link, _temp.Root);
        try
        {
            new Workspace("t", link).Root.Should().Be(Workspace.Root);
        }
        finally
        {
            Directory.Delete(link);
        }
    }

    [Fact]
    public void A_dangling_symlink_pointing_outside_is_refused_so_writing_through_it_cannot_create_files_outside()
    {
        var outside = Path.Combine(Path.GetTempPath(), "llmspell-missing-" + Guid.NewGuid().ToString("N"), "x.txt");
        File.CreateSymbolicLink(_temp.PathOf("dangling"), outside);
        var act = () => Workspace.Resolve("dangling");
        act.Should().Throw<ToolAccessDeniedException>().WithMessage("*symbolic link*");
    }

    [Fact]
    public void A_symlink_loop_is_refused_instead_of_hanging()
    {
        File.CreateSymbolicLink(_temp.PathOf("a"), "b");
        File.CreateSymbolicLink(_temp.PathOf("b"), "a");
        var act = () => Workspace.Resolve("a/x");
        act.Should().Throw<ToolAccessDeniedException>().WithMessage("*too many levels of symbolic links*");
    }

    [Fact]
    public void A_workspace_that_does_not_exist_is_explained()
    {
        var act = () => new Workspace("t", Path.Combine(_temp.Root, "nope"));
        act.Should().Throw<ToolExecutionException>().WithMessage("*does not exist*");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("/tmp")]
    [InlineData("a/../../x")]
    [InlineData("a\0b")]
    public void Escapes_are_refused(string path)
    {
        var act = () => Workspace.Resolve(path);
        act.Should().Throw<ToolAccessDeniedException>().Where(e => e.Resource == path);
    }
}
