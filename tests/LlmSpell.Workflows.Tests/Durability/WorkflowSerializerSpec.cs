using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>Our serializer carries every persisted event and protocol message, and reads journals written by earlier versions.</summary>
public sealed class WorkflowSerializerSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(WorkflowSerializer.Hocon))
{
    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Durability", "Fixtures", "journal-v1.jsonl");

    private WorkflowSerializer Serializer => (WorkflowSerializer)Sys.Serialization.FindSerializerForType(typeof(StepCompleted));

    [Fact]
    public void An_event_of_megabytes_is_written_whole_and_read_back()
    {
        // Written in segments of growing size, then gathered: multi-byte text falls across the segments' edges.
        var output = new JsonArray(Enumerable.Range(0, 60_000).Select(i => (JsonNode)JsonValue.Create($"{i}é日本{new string('ü', i % 5)}")).ToArray());
        var completed = new StepCompleted("big", "big", new StepResult { Name = "big", Key = "big", Kind = StepKind.Tool, Status = StepStatus.Completed, Output = output })
        {
            RunId = "r",
            Timestamp = DateTimeOffset.Parse("2026-12-08T00:00:00Z"),
        };

        var bytes = Serializer.ToBinary(completed);

        bytes.Length.Should().BeGreaterThan(1_000_000);
        JsonNode.Parse(bytes)!["result"]!["output"]!.AsArray().Should().HaveCount(60_000);
        var read = (StepCompleted)Serializer.FromBinary(bytes, Serializer.Manifest(completed));
        JsonNode.DeepEquals(read.Result.Output, output).Should().BeTrue();
        read.Timestamp.Should().Be(completed.Timestamp);
    }

    [Fact]
    public void A_journal_written_with_the_v1_manifests_is_read_event_by_event()
    {
        var lines = File.ReadAllLines(Fixture).Select(l => JsonNode.Parse(l)!).ToArray();
        var read = lines.Select(l => Serializer.FromBinary(Encoding.UTF8.GetBytes(l["payload"]!.ToJsonString()), l["manifest"]!.GetValue<string>())).ToArray();

        read.Select(e => e.GetType().Name).Should().Equal(
            "WorkflowStarted", "StepStarted", "StepRetrying", "StepStarted", "StepCompleted", "SignalAwaited", "RunResumed", "SignalReceived",
            "BranchSelected", "IterationStarted", "IterationCompleted", "StepSkipped", "StepFailed", "RunCompleted", "RunFailed", "RunCancelled",
            "RunTimedOut", "RunSnapshot");
        var started = (WorkflowStarted)read[0];
        started.RunId.Should().Be("fixture-run");
        started.Timestamp.Should().Be(DateTimeOffset.Parse("2026-12-07T09:00:00Z"));
        var definition = WorkflowJson.DeserializeDefinition(started.Definition);
        definition.Steps.Select(s => s.Name).Should().Equal("fetch", "approve");
        definition.Steps[0].Retry!.MaxAttempts.Should().Be(3);
        started.Input!["url"]!.GetValue<string>().Should().Be("http://127.0.0.1/x");
        var completed = (StepCompleted)read[4];
        completed.Result.Should().Match<StepResult>(r => r.Status == StepStatus.Completed && r.Attempts == 2 && r.Tool == "http-get" && r.Duration == TimeSpan.FromMilliseconds(120));
        completed.Result.Output!["status"]!.GetValue<int>().Should().Be(200);
        ((StepRetrying)read[2]).Delay.Should().Be(TimeSpan.FromMilliseconds(500));
        ((SignalReceived)read[7]).Payload!["by"]!.GetValue<string>().Should().Be("ana");
        ((RunCompleted)read[13]).Status.Should().Be(RunStatus.PartiallyCompleted);
        ((Events.RunTimedOut)read[16]).Timeout.Should().Be(TimeSpan.FromMinutes(5));
        ((RunSnapshot)read[17]).CompletedSteps["fetch"].Attempts.Should().Be(2);

        // Written again today, each reads back to the same JSON: the format has not drifted under the manifests.
        for (var i = 0; i < read.Length; i++)
            JsonNode.Parse(Serializer.ToBinary(read[i]))!.ToJsonString().Should().Be(lines[i]["payload"]!.ToJsonString(), $"line {i + 1} ({lines[i]["manifest"]})");
    }

    [Fact]
    public void Every_persisted_event_and_protocol_message_goes_through_our_serializer_and_round_trips()
    {
        var probe = CreateTestProbe();
        var definition = new WorkflowDefinition
        {
            Name = "w",
            Type = WorkflowType.Sequential,
            Steps = [new StepDefinition { Name = "a", Kind = StepKind.Tool, Tool = new ToolStepSpec { ToolName = "calculator", Parameters = new JsonObject { ["expression"] = "1+1" } } }],
        };
        object[] messages =
        [
            new StartRun(definition, new JsonObject { ["x"] = 1 }) { RunId = "r", Subscriber = probe.Ref },
            new ResumeRun("r") { Subscriber = probe.Ref },
            new CancelRun("r", "why"),
            new SignalRun("r", "ok", JsonValue.Create(3)),
            new GetRunStatus("r"),
            new SubscribeToRun("r", probe.Ref),
            new RunAccepted("r"),
            new RunRejected("r", RejectionKind.NotFound, "no such run"),
            new RunCancelling("r"),
            new SignalAccepted("r", "ok"),
            new SubscribedToRun("r"),
            new RunStatusReport("r", "w", ["a"], ["ok"], 2),
            new RunFinished(new WorkflowResult { RunId = "r", WorkflowName = "w", Status = RunStatus.Completed, Output = JsonValue.Create(2), Steps = [], Duration = TimeSpan.FromSeconds(1) }),
            new StepProgress("a", "a", "tok") { RunId = "r" },
            new RunStarted("w", null) { RunId = "r" },
        ];
        foreach (var message in messages)
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            serializer.Should().BeOfType<WorkflowSerializer>($"{message.GetType().Name} must not fall back to Akka's default serializer");
            var manifest = Serializer.Manifest(message);
            manifest.Should().MatchRegex(@"^[a-z-]+\.v\d+$");
            var back = Serializer.FromBinary(Serializer.ToBinary(message), manifest);
            back.GetType().Should().Be(message.GetType());
            Encoding.UTF8.GetString(Serializer.ToBinary(back)).Should().Be(Encoding.UTF8.GetString(Serializer.ToBinary(message)));
        }
        var start = (StartRun)Serializer.FromBinary(Serializer.ToBinary(messages[0]), "start-run.v1");
        start.Subscriber.Should().Be(probe.Ref, "an actor ref travels as its path and resolves to the same actor");
    }

    [Fact]
    public void An_unknown_manifest_is_an_error_naming_it()
    {
        var read = () => Serializer.FromBinary("{}"u8.ToArray(), "mystery.v9");
        read.Should().Throw<System.Runtime.Serialization.SerializationException>().Which.Message.Should().Contain("mystery.v9").And.Contain("newer");
    }
}
