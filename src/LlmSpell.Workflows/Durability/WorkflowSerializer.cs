using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Our Akka serializer: System.Text.Json (<see cref="WorkflowJson.Options"/>) under versioned string manifests, bound to every
/// persisted run event, the run snapshot and every message of the public protocol, so that nothing of ours goes through
/// Akka's default Newtonsoft serializer and a journal written today stays readable: a manifest, once written, is read forever.
/// </summary>
public sealed class WorkflowSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id stored with every event (Akka reserves 0–100).</summary>
    public const int Id = 7411;

    private static readonly (Type Type, string Manifest)[] Manifests =
    [
        // Journaled run events.
        (typeof(WorkflowStarted), "workflow-started.v1"),
        (typeof(RunResumed), "workflow-resumed.v1"),
        (typeof(StepStarted), "step-started.v1"),
        (typeof(StepRetrying), "step-attempt-failed.v1"),
        (typeof(StepCompleted), "step-completed.v1"),
        (typeof(StepFailed), "step-failed.v1"),
        (typeof(StepSkipped), "step-skipped.v1"),
        (typeof(BranchSelected), "branch-selected.v1"),
        (typeof(IterationStarted), "iteration-started.v1"),
        (typeof(IterationCompleted), "iteration-completed.v1"),
        (typeof(SignalAwaited), "signal-awaited.v1"),
        (typeof(SignalReceived), "signal-received.v1"),
        (typeof(RunCompleted), "workflow-completed.v1"),
        (typeof(RunFailed), "workflow-failed.v1"),
        (typeof(RunCancelled), "workflow-cancelled.v1"),
        (typeof(Events.RunTimedOut), "workflow-timed-out.v1"),
        // Live-only events, sent to subscribers on other nodes.
        (typeof(RunStarted), "run-started.v1"),
        (typeof(StepProgress), "step-progress.v1"),
        (typeof(StepStalled), "step-stalled.v1"),
        // The run's snapshot.
        (typeof(RunSnapshot), "run-snapshot.v1"),
        // The public protocol.
        (typeof(StartRun), "start-run.v1"),
        (typeof(ResumeRun), "resume-run.v1"),
        (typeof(RunAccepted), "run-accepted.v1"),
        (typeof(RunRejected), "run-rejected.v1"),
        (typeof(CancelRun), "cancel-run.v1"),
        (typeof(RunCancelling), "run-cancelling.v1"),
        (typeof(SignalRun), "signal-run.v1"),
        (typeof(SignalAccepted), "signal-accepted.v1"),
        (typeof(GetRunStatus), "get-run-status.v1"),
        (typeof(RunStatusReport), "run-status.v1"),
        (typeof(SubscribeToRun), "subscribe-to-run.v1"),
        (typeof(SubscribedToRun), "subscribed-to-run.v1"),
        (typeof(RunFinished), "run-finished.v1"),
        (typeof(RunMoved), "run-moved.v1"),
        (typeof(RunHandingOver), "run-handing-over.v1"),
        (typeof(ListRuns), "list-runs.v1"),
        (typeof(RunsListed), "runs-listed.v1"),
        (typeof(ReadRun), "read-run.v1"),
        (typeof(RunRead), "run-read.v1"),
        (typeof(ListNodes), "list-nodes.v1"),
        (typeof(NodesListed), "nodes-listed.v1"),
        // Sent by an engine to the runs of its cluster, wherever the run's entity lives.
        (typeof(RunsActor.CancelInterrupted), "cancel-interrupted-run.v1"),
        (typeof(RunsActor.PurgeRun), "purge-run.v1"),
        (typeof(DurableRun.Purged), "run-purged.v1"),
    ];

    private static readonly Dictionary<Type, string> ManifestByType = Manifests.ToDictionary(m => m.Type, m => m.Manifest);
    private static readonly Dictionary<string, Type> TypeByManifest = Manifests.ToDictionary(m => m.Manifest, m => m.Type, StringComparer.Ordinal);

    private readonly JsonSerializerOptions _options;
    private readonly JsonWriterOptions _writerOptions;

    public WorkflowSerializer(ExtendedActorSystem system) : base(system)
    {
        var options = new JsonSerializerOptions(WorkflowJson.Options);
        options.Converters.Add(new ActorRefConverter(system));
        options.MakeReadOnly();
        _options = options;
        _writerOptions = new JsonWriterOptions { Encoder = options.Encoder, MaxDepth = options.MaxDepth, SkipValidation = true };
    }

    public override int Identifier => Id;

    /// <summary>The HOCON that registers this serializer and binds our types to it.</summary>
    public static string Hocon { get; } = BuildHocon();

    /// <summary>The manifest <paramref name="type"/> is written under.</summary>
    public static string ManifestOf(Type type) => ManifestByType.TryGetValue(type, out var manifest)
        ? manifest
        : throw new SerializationException($"{type.FullName} has no manifest in {nameof(WorkflowSerializer)}; add one (a new name, never a reused one).");

    public override string Manifest(object o) => ManifestOf(o.GetType());

    // Written into a buffer of our own, not STJ's pooled one: a run's snapshot can be tens of MB, and the shared ArrayPool keeps every
    // such array it lends (12 of 16 MB, 200 MB, held by a run of 21,780 nested steps).
    public override byte[] ToBinary(object obj)
    {
        var buffer = new SegmentedBuffer();
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions)) JsonSerializer.Serialize(writer, obj, obj.GetType(), _options);
        return buffer.ToArray();
    }

    /// <summary>The type written under <paramref name="manifest"/>; throws <see cref="SerializationException"/> naming an unknown one.</summary>
    public static Type TypeOf(string manifest) => TypeByManifest.TryGetValue(manifest, out var type)
        ? type
        : throw new SerializationException(
            $"'{manifest}' is not a manifest this version of llmspell reads (it may have been written by a newer one); known: {string.Join(", ", TypeByManifest.Keys)}.");

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = TypeOf(manifest);
        try
        {
            return JsonSerializer.Deserialize(bytes, type, _options) ?? throw new SerializationException($"The '{manifest}' payload is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"The '{manifest}' payload cannot be read: {ex.Message}", ex);
        }
    }

    private static string BuildHocon()
    {
        var hocon = new StringBuilder()
            .AppendLine("akka.actor {")
            .AppendLine($"  serializers.llmspell = \"{typeof(WorkflowSerializer).AssemblyQualifiedNameShort()}\"")
            .AppendLine("  serialization-bindings {");
        foreach (var type in new[] { typeof(WorkflowEvent), typeof(RunSnapshot), typeof(IRunMessage), typeof(StartRun), typeof(ListRuns), typeof(RunsListed), typeof(ListNodes), typeof(NodesListed) })
            hocon.AppendLine($"    \"{type.AssemblyQualifiedNameShort()}\" = llmspell");
        return hocon.AppendLine("  }").AppendLine("}").ToString();
    }

    // Actor refs travel as their full path and are resolved by the receiving system.
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            system.Provider.ResolveActorRef(reader.GetString() ?? throw new JsonException("An actor ref must be a path string."));

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Serialization.SerializedActorPath(value));
    }

}

internal static class TypeNames
{
    /// <summary>"Namespace.Type, Assembly": the form HOCON serialization bindings take.</summary>
    public static string AssemblyQualifiedNameShort(this Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
