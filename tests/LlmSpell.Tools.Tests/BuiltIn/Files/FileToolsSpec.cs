using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Files;

namespace LlmSpell.Tools.Tests.BuiltIn.Files;

public sealed class FileToolsSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();
    private readonly TempWorkspace _outside = new();
    private readonly ToolsOptions _options = ToolsOptions.Default.WithMaxFileBytes(64);

    public void Dispose()
    {
        _workspace.Dispose();
        _outside.Dispose();
    }

    private ToolContext Context => _workspace.Context;

    [Fact]
    public async Task Read_returns_the_text_of_a_file_inside_the_workspace()
    {
        _workspace.Write("notes/a.txt", "héllo");
        var result = await new FileReadTool(_options).Run("""{"path":"notes/a.txt"}""", Context);
        result["content"]!.GetValue<string>().Should().Be("héllo");
        result["path"]!.GetValue<string>().Should().Be("notes/a.txt");
        result["bytes"]!.GetValue<int>().Should().Be(6);
    }

    [Fact]
    public async Task Read_returns_base64_for_binary_and_refuses_binary_as_text()
    {
        File.WriteAllBytes(_workspace.PathOf("b.bin"), [0xff, 0x00, 0xfe]);
        (await new FileReadTool(_options).Run("""{"path":"b.bin","encoding":"base64"}""", Context))["content"]!.GetValue<string>().Should().Be("/wD+");
        await new FileReadTool(_options).Calling("""{"path":"b.bin"}""", Context).Should().ThrowAsync<ToolExecutionException>().WithMessage("*not UTF-8*base64*");
    }

    [Fact]
    public async Task Read_refuses_a_file_over_the_size_cap()
    {
        _workspace.Write("big.txt", new string('x', 65));
        await new FileReadTool(_options).Calling("""{"path":"big.txt"}""", Context).Should().ThrowAsync<ToolExecutionException>()
            .WithMessage("*'big.txt' is 65 bytes, more than the limit of 64 bytes (ToolsOptions.MaxFileBytes)*");
    }

    [Theory]
    [InlineData("../secret.txt", "outside the workspace (through '..')")]
    [InlineData("notes/../../secret.txt", "outside the workspace (through '..')")]
    [InlineData("/etc/passwd", "absolute paths are not allowed")]
    public async Task Read_refuses_paths_that_escape(string path, string why)
    {
        var act = new FileReadTool(_options).Calling(new JsonObject { ["path"] = path }.ToJsonString(), Context);
        (await act.Should().ThrowAsync<ToolAccessDeniedException>()).Which.Message.Should().Contain(why).And.Contain(path);
    }

    [Fact]
    public async Task Read_refuses_an_absolute_path_even_to_a_file_inside_the_workspace()
    {
        var full = _workspace.Write("a.txt", "x");
        await new FileReadTool(_options).Calling(new JsonObject { ["path"] = full }.ToJsonString(), Context).Should().ThrowAsync<ToolAccessDeniedException>();
    }

    [Fact]
    public async Task A_dot_dot_that_stays_inside_is_fine()
    {
        _workspace.Write("a.txt", "x");
        (await new FileReadTool(_options).Run("""{"path":"notes/../a.txt"}""", Context))["content"]!.GetValue<string>().Should().Be("x");
    }

    [Fact]
    public async Task Symlinks_that_escape_are_refused_for_read_write_and_list()
    {
        _outside.Write("secret.txt", "top secret");
        File.CreateSymbolicLink(_workspace.PathOf("link.txt"), _outside.PathOf("secret.txt"));
        Directory.CreateSymbolicLink(_workspace.PathOf("out"), _outside.Root);

        await new FileReadTool(_options).Calling("""{"path":"link.txt"}""", Context).Should().ThrowAsync<ToolAccessDeniedException>().WithMessage("*symbolic link*");
        await new FileReadTool(_options).Calling("""{"path":"out/secret.txt"}""", Context).Should().ThrowAsync<ToolAccessDeniedException>();
        await new FileWriteTool(_options).Calling("""{"path":"out/new.txt","content":"x"}""", Context).Should().ThrowAsync<ToolAccessDeniedException>();
        await new FileListTool(_options).Calling("""{"path":"out"}""", Context).Should().ThrowAsync<ToolAccessDeniedException>();
        File.Exists(_outside.PathOf("new.txt")).Should().BeFalse();
        File.ReadAllText(_outside.PathOf("secret.txt")).Should().Be("top secret");
    }

    [Fact]
    public async Task A_relative_symlink_chain_that_climbs_out_is_refused()
    {
        Directory.CreateDirectory(_workspace.PathOf("a"));
        Directory.CreateSymbolicLink(_workspace.PathOf("a/up"), "..");           // inside: a/up -> workspace root
        Directory.CreateSymbolicLink(_workspace.PathOf("a/upup"), "up/..");      // climbs above the root
        await new FileListTool(_options).Run("""{"path":"a/up"}""", Context);
        await new FileListTool(_options).Calling("""{"path":"a/upup"}""", Context).Should().ThrowAsync<ToolAccessDeniedException>();
    }

    [Fact]
    public async Task Symlinks_that_stay_inside_are_followed()
    {
        _workspace.Write("real/data.txt", "inside");
        File.CreateSymbolicLink(_workspace.PathOf("alias.txt"), "real/data.txt");
        (await new FileReadTool(_options).Run("""{"path":"alias.txt"}""", Context))["content"]!.GetValue<string>().Should().Be("inside");
    }

    [Fact]
    public async Task Write_creates_directories_and_reports_what_it_wrote()
    {
        var result = await new FileWriteTool(_options).Run("""{"path":"out/deep/r.txt","content":"abc"}""", Context);
        File.ReadAllText(_workspace.PathOf("out/deep/r.txt")).Should().Be("abc");
        result.ToJsonString().Should().Be("""{"path":"out/deep/r.txt","bytes":3,"size":3,"created":true}""");
    }

    [Fact]
    public async Task Write_appends_and_create_mode_refuses_an_existing_file()
    {
        var tool = new FileWriteTool(_options);
        await tool.Run("""{"path":"log.txt","content":"a"}""", Context);
        (await tool.Run("""{"path":"log.txt","content":"b","mode":"append"}""", Context))["size"]!.GetValue<long>().Should().Be(2);
        File.ReadAllText(_workspace.PathOf("log.txt")).Should().Be("ab");
        await tool.Calling("""{"path":"log.txt","content":"c","mode":"create"}""", Context).Should().ThrowAsync<ToolExecutionException>().WithMessage("*already exists*");
    }

    [Fact]
    public async Task Write_decodes_base64_and_names_bad_base64_as_a_parameter_error()
    {
        var tool = new FileWriteTool(_options);
        await tool.Run("""{"path":"b.bin","content":"/wD+","encoding":"base64"}""", Context);
        File.ReadAllBytes(_workspace.PathOf("b.bin")).Should().Equal(0xff, 0x00, 0xfe);
        (await tool.Calling("""{"path":"c.bin","content":"%%%","encoding":"base64"}""", Context).Should().ThrowAsync<ToolParameterException>())
            .Which.ParameterPath.Should().Be("content");
    }

    [Fact]
    public async Task Write_refuses_content_over_the_size_cap_and_writes_nothing()
    {
        await new FileWriteTool(_options).Calling(new JsonObject { ["path"] = "big.txt", ["content"] = new string('x', 65) }.ToJsonString(), Context)
            .Should().ThrowAsync<ToolExecutionException>().WithMessage("*65 bytes*limit of 64*");
        File.Exists(_workspace.PathOf("big.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Write_refuses_escapes_by_dot_dot_and_absolute_path()
    {
        var tool = new FileWriteTool(_options);
        await tool.Calling("""{"path":"../evil.txt","content":"x"}""", Context).Should().ThrowAsync<ToolAccessDeniedException>();
        await tool.Calling(new JsonObject { ["path"] = _outside.PathOf("evil.txt"), ["content"] = "x" }.ToJsonString(), Context).Should().ThrowAsync<ToolAccessDeniedException>();
        File.Exists(_outside.PathOf("evil.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task List_shows_entries_sorted_with_types_and_sizes_and_filters_by_pattern()
    {
        _workspace.Write("b.json", "{}");
        _workspace.Write("a.txt", "hello");
        _workspace.Write("sub/c.json", "[]");
        var tool = new FileListTool(_options);

        var flat = await tool.Run("{}", Context);
        flat["entries"]!.ToJsonString().Should().Be("""[{"path":"a.txt","type":"file","size":5},{"path":"b.json","type":"file","size":2},{"path":"sub","type":"directory"}]""");

        var json = await tool.Run("""{"recursive":true,"pattern":"*.json"}""", Context);
        json["entries"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).Should().Equal("b.json", "sub/c.json");
        json["truncated"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task List_stops_at_the_result_limit_and_says_so()
    {
        for (var i = 0; i < 5; i++) _workspace.Write($"f{i}.txt", "");
        var result = await new FileListTool(_options.WithMaxResults(3)).Run("{}", Context);
        result["count"]!.GetValue<int>().Should().Be(3);
        result["truncated"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task List_shows_symlinked_directories_without_entering_them()
    {
        _outside.Write("secret.txt", "x");
        Directory.CreateSymbolicLink(_workspace.PathOf("out"), _outside.Root);
        var result = await new FileListTool(_options).Run("""{"recursive":true}""", Context);
        result["entries"]!.ToJsonString().Should().Be("""[{"path":"out","type":"symlink"}]""");
    }

    [Fact]
    public async Task The_options_workspace_overrides_the_runs()
    {
        _outside.Write("there.txt", "from options");
        var result = await new FileReadTool(_options.WithWorkspaceDirectory(_outside.Root)).Run("""{"path":"there.txt"}""", Context);
        result["content"]!.GetValue<string>().Should().Be("from options");
    }

    [Fact]
    public async Task Missing_files_and_wrong_kinds_are_explained()
    {
        Directory.CreateDirectory(_workspace.PathOf("dir"));
        _workspace.Write("f.txt", "");
        await new FileReadTool(_options).Calling("""{"path":"nope.txt"}""", Context).Should().ThrowAsync<ToolExecutionException>().WithMessage("*does not exist*");
        await new FileReadTool(_options).Calling("""{"path":"dir"}""", Context).Should().ThrowAsync<ToolExecutionException>().WithMessage("*is a directory*file-list*");
        await new FileListTool(_options).Calling("""{"path":"f.txt"}""", Context).Should().ThrowAsync<ToolExecutionException>().WithMessage("*is a file*file-read*");
    }

    [Fact]
    public async Task A_missing_path_parameter_is_named()
    {
        (await new FileReadTool(_options).Calling("{}", Context).Should().ThrowAsync<ToolParameterException>()).Which.ParameterPath.Should().Be("path");
    }
}
