using LlmSpell.Llm.OpenAI;

namespace LlmSpell.Llm.Tests.OpenAI;

public sealed class OpenAIEnvironmentSpec
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_openai_api_without_a_key_is_a_clear_error()
    {
        var act = () => OpenAIEnvironment.Resolve("openai", LlmEndpointOptions.OpenAI, Env());

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain("OPENAI_API_KEY").And.Contain("OPENAI_BASE_URL").And.Contain("api.openai.com");
    }

    [Fact]
    public void A_local_server_from_OPENAI_BASE_URL_gets_a_placeholder_key()
    {
        var (url, key) = OpenAIEnvironment.Resolve("openai", LlmEndpointOptions.OpenAI, Env(("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")));

        url.Should().Be(new Uri("http://127.0.0.1:8000/v1"));
        key.Should().Be(OpenAIEnvironment.PlaceholderKey);
    }

    [Fact]
    public void Options_win_over_the_environment()
    {
        var env = Env(("OPENAI_BASE_URL", "http://env:1/v1"), ("OPENAI_API_KEY", "sk-env"));

        OpenAIEnvironment.Resolve("openai", LlmEndpointOptions.OpenAI, env).Should().Be((new Uri("http://env:1/v1"), "sk-env"));
        OpenAIEnvironment.Resolve("openai", LlmEndpointOptions.OpenAI.WithBaseUrl("http://cfg:2/v1").WithApiKey("sk-cfg"), env)
            .Should().Be((new Uri("http://cfg:2/v1"), "sk-cfg"));
    }

    [Fact]
    public void A_named_endpoint_reads_no_environment_and_needs_a_base_url()
    {
        var env = Env(("OPENAI_BASE_URL", "http://env:1/v1"), ("OPENAI_API_KEY", "sk-env"));

        var act = () => OpenAIEnvironment.Resolve("vllm", LlmEndpointOptions.OpenAI, env);

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain("'vllm'").And.Contain("BaseUrl");
        OpenAIEnvironment.Resolve("vllm", LlmEndpointOptions.OpenAI.WithBaseUrl("http://gpu:8000/v1"), env).ApiKey.Should().Be(OpenAIEnvironment.PlaceholderKey);
    }

    [Fact]
    public void A_malformed_OPENAI_BASE_URL_is_reported_with_its_value()
    {
        var act = () => OpenAIEnvironment.Resolve("openai", LlmEndpointOptions.OpenAI, Env(("OPENAI_BASE_URL", "localhost:8000")));

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain("localhost:8000");
    }
}
