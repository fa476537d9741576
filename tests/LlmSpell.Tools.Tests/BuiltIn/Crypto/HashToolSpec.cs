using LlmSpell.Tools.BuiltIn.Crypto;

namespace LlmSpell.Tools.Tests.BuiltIn.Crypto;

public sealed class HashToolSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("md5", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")]
    [InlineData("sha512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    public async Task Hashes_match_the_published_test_vectors(string algorithm, string hex)
    {
        var result = await new HashTool().Run($$"""{"input":"abc","algorithm":"{{algorithm}}"}""", _workspace.Context);
        result["hash"]!.GetValue<string>().Should().Be(hex);
    }

    [Fact]
    public async Task Base64_in_and_out()
    {
        var result = await new HashTool().Run("""{"input":"YWJj","inputEncoding":"base64","encoding":"base64"}""", _workspace.Context);
        result["hash"]!.GetValue<string>().Should().Be("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        (await new HashTool().Calling("""{"input":"*","inputEncoding":"base64"}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>())
            .Which.ParameterPath.Should().Be("input");
    }

    [Fact]
    public async Task An_unknown_algorithm_is_refused_listing_the_known_ones()
    {
        (await new HashTool().Calling("""{"input":"x","algorithm":"crc32"}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>())
            .WithMessage("*'algorithm' must be one of \"md5\", \"sha1\", \"sha256\", \"sha384\", \"sha512\"*");
    }
}
