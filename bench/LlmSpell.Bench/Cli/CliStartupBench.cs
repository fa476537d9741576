using System.Diagnostics;
using System.Reflection;
using LlmSpell.TestServers;

namespace LlmSpell.Bench.Cli;

/// <summary>
/// Wall time of whole <c>llmspell</c> processes, start to exit: <c>template list</c> (target p50 ≤ 100 ms), a
/// one-tool-step <c>template exec</c> (actor system, engine, tool, report), and a one-agent-step <c>template exec</c>
/// against a loopback Ollama answering in <c>--answer-ms</c> (default 300; target p50 ≤ 450 ms). Runs the built CLI of the
/// same configuration as this benchmark (or <c>--dll PATH</c>, e.g. a published one), through <c>dotnet llmspell.dll</c>
/// and, when present, the native apphost. Prints one JSON line per command and launcher: p50/p90/min over
/// <c>--runs</c> (default 20) after 2 warm-up runs.
/// </summary>
public static class CliStartupBench
{
    private const string OneToolStep = """workflow_config={"steps":[{"name":"calculator","step_type":"tool","parameters":{"expression":"6*7"}}]}""";
    private const string OneAgentStep = """workflow_config={"steps":[{"name":"capital","step_type":"agent","description":"What is the capital of France?"}]}""";

    public static async Task RunAsync(BenchArgs args)
    {
        var runs = args.Int("runs", 20);
        var dll = BenchRunner.CliDllPath(args);
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"error: {dll} not found; build src/LlmSpell.Cli in the same configuration first (or pass --dll PATH)");
            return;
        }
        var answerMs = args.Int("answer-ms", 300);
        await using var ollama = await OllamaTestServer.StartAsync();
        ollama.RecordRequests = false;
        ollama.DefaultReply = ScriptedReply.Text("Paris.").WithDelay(TimeSpan.FromMilliseconds(answerMs));
        var data = Directory.CreateTempSubdirectory("llmspell-bench-");
        try
        {
            var apphost = Path.Combine(Path.GetDirectoryName(dll)!, OperatingSystem.IsWindows() ? "llmspell.exe" : "llmspell");
            var launchers = new List<(string Name, string File, string[] Prefix)> { ("dotnet", "dotnet", [dll]) };
            if (File.Exists(apphost)) launchers.Add(("apphost", apphost, []));
            var commands = new (string Name, string[] Args)[]
            {
                ("template list", ["template", "list"]),
                ("template exec (1 tool step)", ["template", "exec", "workflow-orchestrator", "--param", OneToolStep]),
                ($"template exec (1 agent step, model answers in {answerMs} ms)", ["template", "exec", "workflow-orchestrator", "--param", OneAgentStep]),
            };
            foreach (var (launcher, file, prefix) in launchers)
            {
                foreach (var (name, commandArgs) in commands)
                {
                    var samples = new List<double>();
                    for (var i = 0; i < runs + 2; i++)
                    {
                        var ms = await TimeAsync(file, [.. prefix, .. commandArgs], data.FullName, ollama.BaseUrl);
                        if (i >= 2) samples.Add(ms);
                    }
                    samples.Sort();
                    BenchRunner.Emit(new
                    {
                        bench = "cli-startup",
                        command = name,
                        launcher,
                        runs,
                        p50_ms = Math.Round(Percentile(samples, 0.50), 1),
                        p90_ms = Math.Round(Percentile(samples, 0.90), 1),
                        min_ms = Math.Round(samples[0], 1),
                        target_ms = name == "template list" ? 100 : name.Contains("agent", StringComparison.Ordinal) ? 450 : (int?)null,
                    });
                }
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<double> TimeAsync(string file, string[] args, string dataDirectory, Uri ollama)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LLMSPELL_DATA_DIR"] = dataDirectory;
        start.Environment["LLMSPELL_PROGRESS"] = "off";
        start.Environment["OLLAMA_HOST"] = ollama.ToString();
        start.Environment.Remove("LLMSPELL_CONFIG");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await stdout;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return elapsed;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
