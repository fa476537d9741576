namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>A file in the temp folder, deleted on dispose.</summary>
public sealed class TempFile : IDisposable
{
    public TempFile(string extension = ".gguf") =>
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"llmspell-local-{Guid.NewGuid():N}{extension}");

    public string Path { get; }

    public static TempFile With(byte[] bytes)
    {
        var f = new TempFile();
        File.WriteAllBytes(f.Path, bytes);
        return f;
    }

    public void Dispose()
    {
        try { File.Delete(Path); }
        catch (IOException) { }
    }
}
