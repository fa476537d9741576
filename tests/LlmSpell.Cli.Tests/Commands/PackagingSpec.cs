using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using LlmSpell.Cli.Tests.Support;
using CliProcesses = LlmSpell.Cli.Tests.Support.Cli;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>
/// <c>dotnet pack</c> makes the CLI a .NET tool that installs from a folder feed and runs, and the libraries NuGet packages
/// with a README, a licence, a version and a description. Packs the build the other specs run (no rebuild).
/// </summary>
public sealed class PackagingSpec : IDisposable
{
    private static readonly string Configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(CliProcesses.Dll))!);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_cli_installs_as_a_dotnet_tool_from_a_folder_feed_and_runs()
    {
        var feed = Path.Combine(_dir.Path, "feed");
        var tools = Path.Combine(_dir.Path, "tools");
        // Only the folder feed: the tool package carries everything it needs.
        var config = _dir.File("nuget.config", $"""
            <configuration><packageSources><clear /><add key="local" value="{feed}" /></packageSources></configuration>
            """);

        await Dotnet("pack", Path.Combine(CliProcesses.RepositoryRoot, "src", "LlmSpell.Cli"), "-c", Configuration, "--no-build", "-o", feed);
        await Dotnet("tool", "install", "LlmSpell.Cli", "--tool-path", tools, "--add-source", feed, "--configfile", config);
        var list = await Run(Path.Combine(tools, "llmspell"), "template", "list");
        var bad = await Run(Path.Combine(tools, "llmspell"), "tempalte", "list");

        list.ExitCode.Should().Be(0, list.Output);
        list.Output.Should().Contain("workflow-orchestrator");
        bad.ExitCode.Should().Be(2, "the installed tool keeps the README's exit codes");
    }

    [Fact]
    public async Task A_library_package_has_its_readme_licence_version_and_description()
    {
        var feed = Path.Combine(_dir.Path, "feed");

        await Dotnet("pack", Path.Combine(CliProcesses.RepositoryRoot, "src", "LlmSpell.Workflows"), "-c", Configuration, "--no-build", "-o", feed);

        var package = Directory.GetFiles(feed, "LlmSpell.Workflows.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(package);
        zip.Entries.Select(e => e.FullName).Should().Contain(["README.md", "LICENSE", "lib/net10.0/LlmSpell.Workflows.dll", "lib/net10.0/LlmSpell.Workflows.xml"]);
        await using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Field("id").Should().Be("LlmSpell.Workflows");
        Field("version").Should().MatchRegex(@"^\d+\.\d+\.\d+");
        Field("description").Should().StartWith("Workflows of LLM agents and tools on Akka.NET");
        Field("readme").Should().Be("README.md");
        Field("license").Should().Be("LICENSE");
    }

    private async Task Dotnet(params string[] args)
    {
        var run = await Run("dotnet", args);
        run.ExitCode.Should().Be(0, $"dotnet {string.Join(' ', args)}\n{run.Output}");
    }

    private async Task<(int ExitCode, string Output)> Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.Path,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LLMSPELL_DATA_DIR"] = Path.Combine(_dir.Path, "data");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await stdout + await stderr);
    }
}
