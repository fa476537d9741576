using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Bench.Definitions;

/// <summary>
/// Definitions at scale (issue 21): <c>validate</c> parses and validates a JSON definition of --n steps (default
/// 100,000; target ≤ 2 s), each referring to the one before; <c>render</c> renders a templated string of --kb
/// kilobytes (default 1,024; target ≤ 100 ms), once full of references and once full of braces.
/// </summary>
public static class DefinitionBench
{
    public static Task ValidateAsync(BenchArgs args)
    {
        var n = args.Int("n", 100_000);
        var runs = args.Int("runs", 3);
        var json = new StringBuilder("{\"steps\": [");
        for (var i = 0; i < n; i++)
        {
            if (i > 0) json.Append(',');
            var expression = i == 0 ? "1" : $"{{{{steps.s{i - 1}.output}}}} + 1";
            json.Append($$$"""{"name": "s{{{i}}}", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "{{{expression}}}"}}""");
        }
        var text = args.String("file", "") is { Length: > 0 } file ? File.ReadAllText(file) : json.Append("]}").ToString();
        WorkflowParser.ParseJson(text); // warm-up: JIT
        if (args.String("phases", "no") == "yes") Phases(text);
        var samples = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            var definition = WorkflowParser.ParseJson(text);
            samples.Add(watch.Elapsed.TotalMilliseconds);
            if (definition.Steps.Count != n && !args.String("file", "").EndsWith("json", StringComparison.Ordinal)) throw new InvalidOperationException("the definition lost steps");
        }
        BenchRunner.Emit(new { bench = "validate", steps = n, bytes = text.Length, best_ms = Math.Round(samples.Min(), 1), worst_ms = Math.Round(samples.Max(), 1), target_ms = 2000 });
        return Task.CompletedTask;
    }

    // Where the time of one parse goes (--phases yes): the JSON scan and nodes, the reader, the validator, and the GC.
    private static void Phases(string text)
    {
        var watch = Stopwatch.StartNew();
        var node = LlmSpell.Workflows.Definitions.Parsing.JsonText.Parse(text, out _);
        var scanned = watch.ElapsedMilliseconds;
        var context = new LlmSpell.Workflows.Definitions.Parsing.ParseContext();
        var definition = new LlmSpell.Workflows.Definitions.Parsing.DefinitionReader(context).ReadRoot(node);
        var read = watch.ElapsedMilliseconds;
        if (definition is not null) new LlmSpell.Workflows.Definitions.Validation.ValidationPass(context.Paths).Run(definition);
        BenchRunner.Emit(new
        {
            bench = "validate-phases",
            json_ms = scanned,
            read_ms = read - scanned,
            validate_ms = watch.ElapsedMilliseconds - read,
            gc_pause_ms = Math.Round(GC.GetTotalPauseDuration().TotalMilliseconds),
        });
    }

    public static Task RenderAsync(BenchArgs args)
    {
        var size = args.Int("kb", 1024) * 1024;
        var runs = args.Int("runs", 5);
        var scope = RunScope.Empty with { Input = JsonNode.Parse("""{"name": "Ada"}""") };
        const string Piece = "Dear {{input.name}}, ";
        var cases = new (string Name, string Template)[]
        {
            ("references", new StringBuilder(size + Piece.Length).Insert(0, Piece, size / Piece.Length).ToString()),
            ("braces", new string('{', size)),
            ("unclosed", new StringBuilder(size).Insert(0, "{{ x\n", size / 5).ToString()),
        };
        foreach (var (name, template) in cases)
        {
            Template.Render(template, scope);
            var best = double.MaxValue;
            for (var r = 0; r < runs; r++)
            {
                var watch = Stopwatch.StartNew();
                Template.Render(template, scope);
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }
            BenchRunner.Emit(new { bench = "render", @case = name, chars = template.Length, best_ms = Math.Round(best, 1), target_ms = 100 });
        }
        return Task.CompletedTask;
    }
}
