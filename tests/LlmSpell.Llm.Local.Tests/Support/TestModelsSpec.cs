namespace LlmSpell.Llm.Local.Tests.Support;

public sealed class TestModelsSpec
{
    [Fact]
    public void A_missing_model_fails_the_test_saying_where_it_looked()
    {
        var act = () => TestModels.PathOf("absent.gguf", ["/nowhere/a", "/nowhere/b"]);

        act.Should().Throw<Xunit.Sdk.XunitException>().Which.Message
            .Should().Contain("/nowhere/a/absent.gguf").And.Contain("/nowhere/b/absent.gguf").And.Contain(TestModels.EnvironmentVariable);
    }
}
