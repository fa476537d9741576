using LlmSpell.Actors;
using LlmSpell.Actors.Routing;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Cli.Demo;

/// <summary>
/// A small showcase of the kernel: a pool of supervised workers counts words; one line makes a
/// worker fail, its supervisor restarts it and the rest of the work carries on.
/// </summary>
public static class KernelDemo
{
    private static readonly string[] Lines =
    [
        "actors process one message at a time",
        "a supervisor decides what happens when a child fails",
        "POISON this line makes its worker throw",
        "the mailbox keeps the messages that were not processed",
        "routers bound how many workers run at once",
    ];

    public static async Task<int> RunAsync(TextWriter output, ILoggerFactory loggerFactory)
    {
        await using var system = ActorSystem.Create("demo", ActorSystemSettings.Default.WithLoggerFactory(loggerFactory));
        // Resume: a worker that throws keeps running; only the failing line is lost.
        var pool = system.ActorOf(Props.Create(() => new WordCounter())
            .WithRouter(new RoundRobinPool(3, new OneForOneStrategy(_ => Directive.Resume))), "counters");
        var collector = system.ActorOf(Props.Create(() => new Collector(Lines.Length - 1)), "collector");

        foreach (var line in Lines) pool.Tell(new WordCounter.Count(line), collector);
        var report = await collector.Ask<Collector.Report>(Collector.GetReport.Instance, TimeSpan.FromSeconds(10));

        await output.WriteLineAsync("# Kernel demo");
        await output.WriteLineAsync($"lines sent: {Lines.Length}, counted: {report.Counts.Count} (one line made its worker fail; the pool resumed it)");
        foreach (var (line, words) in report.Counts.OrderBy(c => c.Key, StringComparer.Ordinal))
            await output.WriteLineAsync($"  {words,2} words  {line}");
        await output.WriteLineAsync($"total words: {report.Counts.Values.Sum()}");
        return 0;
    }

    private sealed class WordCounter : ReceiveActor
    {
        public sealed record Count(string Line);

        public WordCounter()
        {
            Receive<Count>(c =>
            {
                if (c.Line.StartsWith("POISON", StringComparison.Ordinal))
                    throw new InvalidDataException($"cannot count a poisoned line: '{c.Line}'");
                Sender.Tell(new Collector.Counted(c.Line, c.Line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
            });
        }
    }

    private sealed class Collector : ReceiveActor, IWithStash
    {
        public sealed record Counted(string Line, int Words);
        public sealed record Report(IReadOnlyDictionary<string, int> Counts);

        public sealed class GetReport
        {
            public static readonly GetReport Instance = new();
        }

        private readonly Dictionary<string, int> _counts = new();

        public IStash Stash { get; set; } = null!;

        public Collector(int expected)
        {
            Receive<Counted>(c =>
            {
                _counts[c.Line] = c.Words;
                if (_counts.Count == expected) Stash.UnstashAll();
            });
            // Hold report requests until every expected count is in.
            Receive<GetReport>(_ =>
            {
                if (_counts.Count < expected) Stash.Stash();
                else Sender.Tell(new Report(new Dictionary<string, int>(_counts)));
            });
        }
    }
}
