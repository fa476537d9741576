using Akka.TestKit.Xunit2;
using LlmSpell.Testing;
using LlmSpell.Workflows.Execution;
using Xunit.Abstractions;

namespace LlmSpell.Workflows.Tests.Fuzz;

/// <summary>
/// Issue 21's fuzz suite: a few hundred seeded cases from the docs' and examples' workflows. None may end in an
/// internal error; valid ones must run to a result. The 10,000-case version is <c>LlmSpell.Bench fuzz</c>.
/// </summary>
public sealed class DefinitionFuzzSpec(ITestOutputHelper output) : TestKit(TestTime.AkkaConfig)
{
    private const int Cases = 250;

    [Fact]
    public async Task Generated_and_mutated_definitions_end_valid_or_as_located_one_line_errors_never_internal()
    {
        var seeds = DefinitionFuzzer.LoadSeeds(DefinitionFuzzer.RepositoryRoot());
        seeds.Should().HaveCountGreaterThan(8, "the docs and examples hold the seeds");
        var fuzzer = new DefinitionFuzzer(seeds, seed: 21);
        var engine = new WorkflowEngine(Sys, FuzzCheck.Services());
        var failures = new List<string>();
        var verdicts = new Dictionary<FuzzCheck.Verdict, int>();
        var ran = 0;
        var longRuns = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            var c = fuzzer.Next(i);
            var outcome = FuzzCheck.Parse(c);
            verdicts[outcome.Verdict] = verdicts.GetValueOrDefault(outcome.Verdict) + 1;
            if (outcome.Verdict == FuzzCheck.Verdict.Internal) failures.Add($"case {i} ({c.Kind}): {outcome.Detail}");
            if (outcome.Definition is null) continue;
            ran++;
            var problem = await FuzzCheck.RunAsync(engine, outcome.Definition, TestTime.Dilated(TimeSpan.FromSeconds(1)));
            if (problem == "long") longRuns++;
            else if (problem is not null) failures.Add($"case {i} ({c.Kind}) run: {problem}");
        }
        output.WriteLine($"{string.Join(", ", verdicts.Select(v => $"{v.Key}: {v.Value}"))}; ran {ran}, {longRuns} cut at the cap by their own settings; {watch.Elapsed.TotalSeconds:0.0} s");

        failures.Should().BeEmpty();
        verdicts.GetValueOrDefault(FuzzCheck.Verdict.Valid).Should().BeGreaterThan(Cases / 20, "the fuzzer makes unusual valid definitions too");
        verdicts.GetValueOrDefault(FuzzCheck.Verdict.Invalid).Should().BeGreaterThan(Cases / 4);
    }
}
