using System.Diagnostics;

namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>
/// Synthetic Llama GGUF files made by ../shared/tools/gguf_tool.py (random weights, stories260K's tokenizer), cached in
/// the temp folder under a name holding their shape, so only the first run pays the second or so to write one.
/// </summary>
public static class SyntheticModels
{
    /// <summary>~26M parameters, Q8_0: big enough to exercise quantized kernels and batching, quick to make.</summary>
    public static readonly Shape Q8_25M = new("q8_0", Embd: 512, Layers: 8, Heads: 8, Ff: 1408, Ctx: 512, Seed: 3);

    private static readonly object Gate = new();

    public sealed record Shape(string Type, int Embd, int Layers, int Heads, int Ff, int Ctx, int Seed)
    {
        public string FileName => $"llmspell-synthetic-{Type}-e{Embd}-l{Layers}-h{Heads}-f{Ff}-c{Ctx}-s{Seed}.gguf";
    }

    /// <summary>The file of <paramref name="shape"/>, written on first use.</summary>
    public static string PathOf(Shape shape)
    {
        var path = Path.Combine(Path.GetTempPath(), shape.FileName);
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            var tool = Tool();
            var partial = path + $".{Environment.ProcessId}.partial";
            Run(Python(), $"\"{tool}\" make --like \"{TestModels.PathOf(TestModels.Stories260K)}\" --out \"{partial}\" --type {shape.Type} " +
                $"--embd {shape.Embd} --layers {shape.Layers} --heads {shape.Heads} --ff {shape.Ff} --ctx {shape.Ctx} --seed {shape.Seed}");
            File.Move(partial, path, overwrite: true);
            return path;
        }
    }

    /// <summary>stories260K with <paramref name="templateName"/> (a file of Chat/Templates) as its chat template, written on first use.</summary>
    public static string StoriesWithTemplate(string templateName)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmspell-stories260K-{templateName}.gguf");
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            var partial = path + $".{Environment.ProcessId}.partial";
            var script = Path.Combine(AppContext.BaseDirectory, "Support", "with_chat_template.py");
            var template = Path.Combine(AppContext.BaseDirectory, "Chat", "Templates", templateName + ".jinja");
            Run(Python(), $"\"{script}\" \"{Path.GetDirectoryName(Tool())}\" \"{TestModels.PathOf(TestModels.Stories260K)}\" \"{partial}\" \"{template}\"");
            File.Move(partial, path, overwrite: true);
            return path;
        }
    }

    private static string Tool()
    {
        var models = Path.GetDirectoryName(TestModels.PathOf(TestModels.Stories260K))!;
        var tool = Path.GetFullPath(Path.Combine(models, "..", "tools", "gguf_tool.py"));
        if (!File.Exists(tool))
            throw new Xunit.Sdk.XunitException($"gguf_tool.py not found at '{tool}' (it lives in shared/tools beside shared/models).");
        return tool;
    }

    /// <summary>python3 (the tool needs nothing else); installed with apt-get when missing and the test runs as root.</summary>
    private static string Python()
    {
        if (Found("python3")) return "python3";
        if (Found("apt-get")) Run("sh", "-c \"apt-get update -qq && apt-get install -y -qq python3 >/dev/null\"");
        if (Found("python3")) return "python3";
        throw new Xunit.Sdk.XunitException("python3 is needed to make the synthetic test models (shared/tools/gguf_tool.py); install it (apt-get install python3).");
    }

    private static bool Found(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, program)));

    private static void Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new Xunit.Sdk.XunitException($"could not start {program}");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"{program} {arguments} failed ({process.ExitCode}): {stderr.Result}");
    }
}
