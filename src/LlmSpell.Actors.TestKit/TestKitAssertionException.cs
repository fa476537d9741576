namespace LlmSpell.Actors.Testing;

/// <summary>An expectation of the TestKit was not met; xunit reports it as a test failure.</summary>
public sealed class TestKitAssertionException(string message) : Xunit.Sdk.XunitException(message);
