using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>
/// Delivers workflow progress events to the handlers of <c>Workflow.on</c>. Events come from engine threads; handlers
/// run on the script thread while it waits for the run. A handler's error is raised where the script waits.
/// </summary>
internal sealed class EventHub(LuaRun run)
{
    private LuaFunction? _emit;
    private LuaScriptError? _failure;

    /// <summary>The Lua function that calls the handlers registered for an event (set by the Workflow global).</summary>
    public void Attach(LuaFunction emit) => _emit = emit;

    private volatile bool _observed;

    /// <summary>A handler was registered: from now on events are delivered (until then none is converted or queued).</summary>
    public void Observed() => _observed = true;

    /// <summary>Called from any thread.</summary>
    public void Publish(WorkflowEvent e)
    {
        if (_emit is null || !_observed) return;
        var json = ToJson(e);
        run.Post(() =>
        {
            if (_failure is not null) return;
            try
            {
                run.Call(_emit, e.Kind, run.Marshaller.ToLua(json));
            }
            catch (LuaScriptError error)
            {
                _failure = error;
            }
        });
    }

    /// <summary>Raises the first handler error (on the script thread, after a wait).</summary>
    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            _failure = null;
            throw new LuaScriptError($"Workflow.on handler failed: {failure.Message}", failure);
        }
    }

    /// <summary>The event as the script sees it: <c>{event = "step_completed", run_id, path, timestamp, step, …}</c>.</summary>
    public static JsonObject ToJson(WorkflowEvent e)
    {
        JsonObject json;
        try
        {
            json = JsonSerializer.SerializeToNode(e, e.GetType(), WorkflowJson.Options) as JsonObject ?? [];
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException)
        {
            json = new JsonObject { ["run_id"] = e.RunId, ["path"] = e.Path };
        }
        json["event"] = e.Kind;
        return json;
    }
}
