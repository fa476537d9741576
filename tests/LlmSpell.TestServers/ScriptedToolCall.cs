using System.Text.Json.Nodes;

namespace LlmSpell.TestServers;

/// <summary>A tool call the scripted model makes.</summary>
public sealed record ScriptedToolCall(string Name, JsonObject Arguments, string? Id = null);
