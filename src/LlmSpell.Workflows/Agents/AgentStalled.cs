namespace LlmSpell.Workflows.Agents;

/// <summary>
/// An agent call has received nothing from its model server for <see cref="Silence"/>: what the live view and the
/// progress lines show, e.g. "waiting for ollama/llama3.2:3b at 127.0.0.1:11434 — no tokens for 30 s".
/// Reported through an <see cref="IProgress{T}"/> of this type when the progress given to the executor is one.
/// </summary>
/// <param name="Target">The model and where it is served, e.g. <c>ollama/llama3.2:3b at 127.0.0.1:11434</c>.</param>
/// <param name="Silence">How long nothing has arrived (whole seconds).</param>
public sealed record AgentStalled(string Target, TimeSpan Silence)
{
    public string Message => $"waiting for {Target} — no tokens for {(long)Silence.TotalSeconds} s";
}
