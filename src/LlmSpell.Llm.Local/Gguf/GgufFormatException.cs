namespace LlmSpell.Llm.Local.Gguf;

/// <summary>A GGUF file that cannot be read: says which file, what was found, and what to do.</summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException(string path, string problem, string remedy)
        : base($"GGUF file '{path}': {problem}. {remedy}")
    {
        FilePath = path;
        Problem = problem;
    }

    public GgufFormatException(string path, string problem, string remedy, Exception inner)
        : base($"GGUF file '{path}': {problem}. {remedy}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that was being read.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong, without the remedy.</summary>
    public string Problem { get; }
}
