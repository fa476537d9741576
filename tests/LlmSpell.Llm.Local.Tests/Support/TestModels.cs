using System.Text.Json;

namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>Finds the shared test models: $LLMSPELL_TEST_MODELS, else ../shared/models beside the repository root.</summary>
public static class TestModels
{
    public const string EnvironmentVariable = "LLMSPELL_TEST_MODELS";
    public const string Stories260K = "stories260K.gguf";
    public const string Stories260KGolden = "stories260K.golden.json";

    private static readonly Lazy<LlmSpell.Llm.Local.Engine.LocalModel> LoadedStories = new(() => LlmSpell.Llm.Local.Engine.LocalModel.Load(PathOf(Stories260K)));

    /// <summary>The loaded stories260K model, shared by the tests (requests on it are decoded together, as in production).</summary>
    public static LlmSpell.Llm.Local.Engine.LocalModel Stories => LoadedStories.Value;

    /// <summary>stories260K's BOS id: llama2.c story models end a story with it.</summary>
    public static int StoriesBos => (int)Stories.Weights.Vocab.BOS!.Value;

    /// <summary>The full path of a model file; fails the test, saying where it looked, when the file is not there.</summary>
    public static string PathOf(string fileName) => PathOf(fileName, CandidateDirectories());

    internal static string PathOf(string fileName, IEnumerable<string> directories)
    {
        var looked = new List<string>();
        foreach (var dir in directories)
        {
            var path = Path.Combine(dir, fileName);
            looked.Add(path);
            if (File.Exists(path)) return path;
        }
        throw new Xunit.Sdk.XunitException(
            $"Test model '{fileName}' not found. Looked in: {string.Join("; ", looked)}. " +
            $"Set {EnvironmentVariable} to the folder holding it, or put shared/models beside the repository clone.");
    }

    public static GoldenFile Golden() =>
        JsonSerializer.Deserialize<GoldenFile>(File.ReadAllText(PathOf(Stories260KGolden)), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })
        ?? throw new InvalidOperationException("the golden file is empty");

    private static IEnumerable<string> CandidateDirectories()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) yield return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmSpell.Actors.sln")))
            {
                yield return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models"));
                yield break;
            }
        }
    }

    public sealed record GoldenFile(string Model, int MaxNewTokens, IReadOnlyList<GoldenCase> Cases);

    public sealed record GoldenCase(string Prompt, int[] PromptTokens, int[] OutputTokens, string OutputText)
    {
        public override string ToString() => Prompt;
    }
}
