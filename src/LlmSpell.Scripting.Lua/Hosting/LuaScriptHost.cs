using System.Text.Json.Nodes;

namespace LlmSpell.Scripting.Lua.Hosting;

/// <summary>
/// Runs Lua 5.4 scripts in the sandbox, each on its own thread with its own Lua state. Installers add globals
/// (<see cref="Globals.LuaGlobals"/>); <c>print</c>, <c>ARGS</c> and <c>Json</c> are always there.
/// </summary>
public sealed class LuaScriptHost
{
    private readonly List<Action<LuaRun>> _installers = [];

    /// <summary>Adds globals to every run (called on the script thread before the script starts).</summary>
    public LuaScriptHost With(Action<LuaRun> installer)
    {
        _installers.Add(installer);
        return this;
    }

    /// <summary>Runs a script file; errors read "name.lua:12: message" (the chunk name is the file name).</summary>
    public async Task<JsonNode?> RunFileAsync(string path, LuaScriptOptions options, CancellationToken cancellationToken = default)
    {
        string script;
        try
        {
            script = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LuaScriptError($"cannot read the script {path}: {e.Message}", e);
        }
        return await RunAsync(script, Path.GetFileName(path), options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs script text on a dedicated thread; returns the script's (first) return value as JSON. A script error is a
    /// <see cref="LuaScriptError"/>.
    /// </summary>
    public Task<JsonNode?> RunAsync(string script, string chunkName, LuaScriptOptions options, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Lua runs on a thread of its own: it blocks while it waits for workflows, and no thread-pool thread is held.
        var thread = new Thread(() =>
        {
            try
            {
                JsonNode? value;
                // The run ends (its tools unregistered, its state closed) before the caller hears of it.
                using (var run = new LuaRun(options, cancellationToken))
                {
                    Globals.JsonGlobal.Install(run);
                    foreach (var install in _installers) install(run);
                    var results = run.Execute(script, chunkName);
                    value = results.Length > 0 ? ReturnValue(run, results[0]) : null;
                }
                done.SetResult(value);
            }
            catch (LuaScriptError e)
            {
                done.SetException(e);
            }
            catch (Exception e)
            {
                done.SetException(new LuaScriptError(e.Message, e));
            }
        }, maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "lua:" + chunkName,
        };
        thread.Start();
        return done.Task;
    }

    private static JsonNode? ReturnValue(LuaRun run, object? value)
    {
        try
        {
            return run.Marshaller.ToJson(value, "the script's return value");
        }
        catch (InvalidOperationException e)
        {
            throw new LuaScriptError(e.Message, e);
        }
    }
}
