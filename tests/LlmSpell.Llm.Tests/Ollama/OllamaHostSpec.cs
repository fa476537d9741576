using LlmSpell.Llm.Ollama;

namespace LlmSpell.Llm.Tests.Ollama;

public sealed class OllamaHostSpec
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:11434/")]
    [InlineData("", "http://127.0.0.1:11434/")]
    [InlineData("example.com", "http://example.com:11434/")]
    [InlineData("example.com:56789", "http://example.com:56789/")]
    [InlineData("http://example.com", "http://example.com:80/")]
    [InlineData("https://example.com", "https://example.com:443/")]
    [InlineData("https://example.com:56789/ollama/", "https://example.com:56789/ollama/")]
    [InlineData("HTTP://Example.com:1234", "http://example.com:1234/")]
    [InlineData("10.0.0.5", "http://10.0.0.5:11434/")]
    [InlineData(" \"10.0.0.5:9999\" ", "http://10.0.0.5:9999/")]
    [InlineData("'example.com:8080'", "http://example.com:8080/")]
    [InlineData("0.0.0.0", "http://127.0.0.1:11434/")]
    [InlineData("0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData(":8080", "http://127.0.0.1:8080/")]
    [InlineData("::1", "http://[::1]:11434/")]
    [InlineData("[::1]:4321", "http://[::1]:4321/")]
    [InlineData("example.com:abc", "http://example.com:11434/")]
    [InlineData("example.com:99999", "http://example.com:11434/")]
    [InlineData("https://example.com:bad", "https://example.com:443/")]
    public void OLLAMA_HOST_is_read_the_way_ollama_clients_read_it(string? value, string expected)
    {
        OllamaHost.Parse(value).Should().Be(new Uri(expected));
    }

    [Fact]
    public void An_unsupported_scheme_is_an_error_that_shows_the_value()
    {
        var act = () => OllamaHost.Parse("ftp://example.com");

        act.Should().Throw<FormatException>().WithMessage("*ftp*http://*");
    }

    [Fact]
    public void Configuration_wins_over_the_environment_which_wins_over_the_default()
    {
        var env = new Dictionary<string, string?> { ["OLLAMA_HOST"] = "gpu-box:11500" };

        OllamaHost.Resolve(new Uri("http://configured:1/"), env.GetValueOrDefault).Should().Be(new Uri("http://configured:1/"));
        OllamaHost.Resolve(null, env.GetValueOrDefault).Should().Be(new Uri("http://gpu-box:11500/"));
        OllamaHost.Resolve(null, _ => null).Should().Be(OllamaHost.DefaultUrl);
        OllamaHost.Resolve(null, _ => "  ").Should().Be(OllamaHost.DefaultUrl);
    }
}
