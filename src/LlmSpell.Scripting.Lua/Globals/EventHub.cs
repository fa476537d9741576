using System.Globalization;
using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
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

    /// <summary>The event as the script sees it: <c>{event = "step_completed", run_id, path, timestamp, step, …}</c> (snake_case).</summary>
    public static JsonObject ToJson(WorkflowEvent e)
    {
        var json = new JsonObject
        {
            ["event"] = e.Kind,
            ["run_id"] = e.RunId,
            ["path"] = e.Path,
            ["timestamp"] = e.Timestamp.ToString("O", CultureInfo.InvariantCulture),
        };
        static long Ms(TimeSpan t) => (long)t.TotalMilliseconds;
        void Step(string step, string key)
        {
            json["step"] = step;
            json["key"] = key;
        }
        switch (e)
        {
            case RunStarted x: json["workflow"] = x.WorkflowName; json["input"] = x.Input?.DeepClone(); break;
            case WorkflowStarted x: json["workflow"] = x.WorkflowName; json["input"] = x.Input?.DeepClone(); break;
            case RunCompleted x: json["status"] = StatusNames.Of(x.Status); json["output"] = x.Output?.DeepClone(); json["duration_ms"] = Ms(x.Duration); break;
            case RunFailed x: json["error"] = x.Error; json["duration_ms"] = Ms(x.Duration); break;
            case RunCancelled x: json["reason"] = x.Reason; json["duration_ms"] = Ms(x.Duration); break;
            case RunTimedOut x: json["timeout_ms"] = Ms(x.Timeout); break;
            case RunResumed x: json["after_sequence_nr"] = x.AfterSequenceNr; json["completed_steps"] = x.CompletedSteps; break;
            case StepStarted x: Step(x.Step, x.Key); json["attempt"] = x.Attempt; break;
            case StepProgress x: Step(x.Step, x.Key); json["text"] = x.Text; break;
            case StepRetrying x: Step(x.Step, x.Key); json["next_attempt"] = x.NextAttempt; json["delay_ms"] = Ms(x.Delay); json["error"] = x.Error; break;
            case StepCompleted x:
                Step(x.Step, x.Key);
                json["status"] = StatusNames.Of(x.Result.Status);
                json["output"] = x.Result.Output?.DeepClone();
                json["attempts"] = x.Result.Attempts;
                json["duration_ms"] = Ms(x.Result.Duration);
                json["model"] = x.Result.Model;
                json["tool"] = x.Result.Tool;
                break;
            case StepFailed x: Step(x.Step, x.Key); json["error"] = x.Error; json["attempts"] = x.Attempts; break;
            case StepSkipped x: Step(x.Step, x.Key); json["reason"] = x.Reason; break;
            case BranchSelected x: json["branches"] = new JsonArray(x.Branches.Select(b => (JsonNode)JsonValue.Create(b)).ToArray()); json["reason"] = x.Reason; break;
            case IterationStarted x: json["index"] = x.Index; json["item"] = x.Item?.DeepClone(); break;
            case IterationCompleted x: json["index"] = x.Index; json["output"] = x.Output?.DeepClone(); break;
            case SignalAwaited x: Step(x.Step, x.Key); json["signal"] = x.Signal; break;
            case SignalReceived x: Step(x.Step, x.Key); json["signal"] = x.Signal; json["payload"] = x.Payload?.DeepClone(); break;
        }
        return json;
    }
}
