using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Tests.Support;

namespace LlmSpell.Llm.Local.Tests.Engine;

public sealed class LocalModelLoadSpec
{
    [Fact]
    public void The_native_backend_says_which_llama_cpp_build_loaded()
    {
        NativeBackend.EnsureLoaded().Should().MatchRegex(@"^llama\.cpp CPU \((AVX-512|AVX2|AVX|no AVX)\)$");
    }

    [Fact]
    public void A_model_is_memory_mapped_in_its_file_type_with_the_model_s_own_context()
    {
        using var model = LocalModel.Load(TestModels.PathOf(TestModels.Stories260K));

        model.ContextSize.Should().Be(2048, "stories260K's GGUF header says 2048, under the 4,096 cap");
        model.ChatTemplate.Should().BeNull();
        model.Weights.Vocab.Count.Should().Be(512);
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.gguf");

        var act = () => LocalModel.Load(path);

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain(path).And.Contain("models pull").And.NotContain("\n");
    }

    [Fact]
    public void A_file_that_is_not_GGUF_is_a_one_line_error_naming_it_not_a_crash()
    {
        using var file = TempFile.With(System.Text.Encoding.UTF8.GetBytes("<html>502 Bad Gateway</html>"));

        var act = () => LocalModel.Load(file.Path);

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain(file.Path).And.Contain("Download it again").And.NotContain("\n");
    }

    [Fact]
    public void A_truncated_download_is_a_one_line_error_naming_it_not_a_crash()
    {
        var bytes = File.ReadAllBytes(TestModels.PathOf(TestModels.Stories260K));
        using var file = TempFile.With(bytes[..(bytes.Length / 2)]);

        var act = () => LocalModel.Load(file.Path);

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain(file.Path).And.Contain("not a complete GGUF model").And.NotContain("\n");
    }
}
