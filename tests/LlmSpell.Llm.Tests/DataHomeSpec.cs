using LlmSpell.Llm;

namespace LlmSpell.Llm.Tests;

/// <summary>One data home for the CLI and hosts: XDG on Linux, the old ~/.llmspell still read with a note.</summary>
public sealed class DataHomeSpec : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("llmspell-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private Func<string, string?> Environment(string? xdg = null, string? dataDir = null) => name => name switch
    {
        "HOME" => _home,
        "XDG_DATA_HOME" => xdg,
        DataHome.EnvironmentVariable => dataDir,
        _ => null,
    };

    [Fact]
    public void On_linux_the_data_home_is_xdg_s_with_its_default_under_the_home_folder()
    {
        if (!OperatingSystem.IsLinux()) return;

        DataHome.Resolve(environment: Environment()).Should().Be(new DataHomeChoice(Path.Combine(_home, ".local", "share", "llmspell"), null));
        DataHome.Resolve(environment: Environment(xdg: "/xdg")).Path.Should().Be(Path.Combine("/xdg", "llmspell"));
        // The XDG spec: a relative XDG_DATA_HOME is ignored.
        DataHome.Resolve(environment: Environment(xdg: "relative")).Path.Should().Be(Path.Combine(_home, ".local", "share", "llmspell"));
    }

    [Fact]
    public void A_given_directory_beats_the_environment_which_beats_the_configured_one()
    {
        DataHome.Resolve("/given", "/configured", Environment(dataDir: "/env")).Path.Should().Be("/given");
        DataHome.Resolve(null, "/configured", Environment(dataDir: "/env")).Path.Should().Be("/env");
        DataHome.Resolve(null, "/configured", Environment()).Path.Should().Be("/configured");
    }

    [Fact]
    public void The_old_home_is_read_with_a_note_while_the_new_one_does_not_exist()
    {
        if (!OperatingSystem.IsLinux()) return;
        var legacy = Directory.CreateDirectory(Path.Combine(_home, ".llmspell", "models")).Parent!.FullName;
        var platform = Path.Combine(_home, ".local", "share", "llmspell");

        var old = DataHome.Resolve(environment: Environment());
        var models = DataHome.Models(platform, Environment());
        Directory.CreateDirectory(platform);
        var moved = DataHome.Resolve(environment: Environment());

        old.Path.Should().Be(legacy);
        old.Note.Should().Be($"using {legacy}, the old data directory; move it to {platform} (mv {legacy} {platform}) or keep it with --data-dir or LLMSPELL_DATA_DIR");
        models.Path.Should().Be(Path.Combine(legacy, "models"));
        models.Note.Should().StartWith($"using {Path.Combine(legacy, "models")}, the old models folder");
        moved.Should().Be(new DataHomeChoice(platform, null));
    }
}
