using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Actors.Persistence.Tests.Serialization;

public sealed class JsonEventSerializerSpec
{
    public sealed record StepCompleted(string Step, int Tokens);
    public sealed record StepCompletedV2(string Step, int InputTokens, int OutputTokens);

    private readonly JsonEventSerializer _serializer = new JsonEventSerializer().Register<StepCompleted>("step-completed.v1");

    [Fact]
    public void A_registered_event_round_trips_under_its_manifest_as_camel_case_json()
    {
        var value = _serializer.Serialize(new StepCompleted("fetch", 12));

        value.Manifest.Should().Be("step-completed.v1");
        JsonNode.Parse(value.Payload)!["step"]!.GetValue<string>().Should().Be("fetch");
        _serializer.Deserialize(value.Manifest, value.Payload).Should().Be(new StepCompleted("fetch", 12));
    }

    [Fact]
    public void An_unregistered_type_cannot_be_serialized_and_the_error_shows_how_to_register_it()
    {
        FluentActions.Invoking(() => _serializer.Serialize(new StepCompletedV2("a", 1, 2)))
            .Should().Throw<UnregisteredEventTypeException>()
            .WithMessage("*StepCompletedV2*Register<StepCompletedV2>(\"step-completed-v2.v1\")*");
    }

    [Fact]
    public void An_unknown_manifest_names_the_event_its_id_and_sequence_nr()
    {
        var repr = new PersistentRepr("run-7", 42, "gone.v3", "{}", DateTimeOffset.UnixEpoch);

        var error = FluentActions.Invoking(() => _serializer.DeserializeEvent(repr)).Should().Throw<EventDeserializationException>().Which;

        (error.PersistenceId, error.SequenceNr, error.Manifest).Should().Be(("run-7", 42L, "gone.v3"));
        error.Message.Should().Contain("'run-7'").And.Contain("event 42").And.Contain("'gone.v3'").And.Contain("Register");
        error.InnerException.Should().BeOfType<UnknownManifestException>().Which.Message.Should().Contain("step-completed.v1");
    }

    [Theory]
    [InlineData("{\"step\":\"a\",\"tokens\":\"many\"}")]
    [InlineData("{not json")]
    [InlineData("null")]
    public void A_corrupt_payload_names_the_event_its_id_and_sequence_nr(string payload)
    {
        var repr = new PersistentRepr("run-7", 3, "step-completed.v1", payload, DateTimeOffset.UnixEpoch);

        var error = FluentActions.Invoking(() => _serializer.DeserializeEvent(repr)).Should().Throw<EventDeserializationException>().Which;

        (error.PersistenceId, error.SequenceNr, error.Manifest).Should().Be(("run-7", 3L, "step-completed.v1"));
        error.InnerException.Should().BeOfType<JsonException>();
    }

    [Fact]
    public void Conflicting_registrations_are_refused()
    {
        FluentActions.Invoking(() => _serializer.Register<StepCompletedV2>("step-completed.v1"))
            .Should().Throw<ArgumentException>().WithMessage("*already registered for*StepCompleted*");
        FluentActions.Invoking(() => _serializer.Register<StepCompleted>("step-completed.v9"))
            .Should().Throw<ArgumentException>().WithMessage("*already registered as 'step-completed.v1'*upcaster*");
        FluentActions.Invoking(() => _serializer.Register<StepCompletedV2>("has space"))
            .Should().Throw<ArgumentException>().WithMessage("*without spaces*");
        _serializer.Register<StepCompleted>("step-completed.v1").Should().BeSameAs(_serializer, "registering the same pair again is harmless");
    }

    [Fact]
    public void An_old_version_is_read_through_its_upcaster()
    {
        var serializer = new JsonEventSerializer()
            .Register<StepCompletedV2>("step-completed.v2")
            .Upcast("step-completed.v1", "step-completed.v2", json => new JsonObject
            {
                ["step"] = json["step"]!.GetValue<string>(),
                ["inputTokens"] = json["tokens"]!.GetValue<int>(),
                ["outputTokens"] = 0,
            });

        serializer.Deserialize("step-completed.v1", "{\"step\":\"fetch\",\"tokens\":12}").Should().Be(new StepCompletedV2("fetch", 12, 0));
        serializer.Serialize(new StepCompletedV2("x", 1, 2)).Manifest.Should().Be("step-completed.v2");
    }
}
