namespace LlmSpell.Hosting;

/// <summary>
/// The key of LlmSpell's runs actor in Akka.Hosting's <c>ActorRegistry</c>: <c>IRequiredActor&lt;LlmSpellRuns&gt;</c> or
/// <c>registry.Get&lt;LlmSpellRuns&gt;()</c> gives the actor that takes the run protocol (docs/actors.md).
/// </summary>
public sealed class LlmSpellRuns;
