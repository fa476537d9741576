namespace LlmSpell.Actors.Persistence;

/// <summary>An object in stored form: the manifest naming its type and version, and its JSON.</summary>
public readonly record struct SerializedValue(string Manifest, string Payload);
