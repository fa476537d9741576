using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Which runs are live, in which process, for every process sharing a journal through one folder: the process running a run
/// holds <c>&lt;name&gt;.lock</c> locked (the OS releases it when the process dies, even by kill -9) and writes its pid to
/// <c>&lt;name&gt;.pid</c>. Other processes ask it to cancel a run by dropping <c>&lt;name&gt;.cancel</c>, which it watches.
/// The marks are for telling users the truth and reaching the owner; the journal's unique (persistence id, sequence number)
/// is what refuses a second writer.
/// </summary>
public sealed class LiveRuns
{
    private const string CancelSuffix = ".cancel";

    public LiveRuns(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>Marks <paramref name="runId"/> live in this process; null (with the holder's pid, if known) when another process or run holds it.</summary>
    public IDisposable? TryAcquire(string runId, out int? holder)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = RunIds.SafeName(runId);
        FileStream held;
        try
        {
            // FileShare.None is an exclusive flock on Linux, an exclusive open on Windows: one holder per run at a time.
            held = new FileStream(Path.Combine(Directory, name + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            holder = ReadPid(name);
            return null;
        }
        holder = null;
        File.WriteAllText(Path.Combine(Directory, name + ".pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new Mark(this, name, held);
    }

    /// <summary>The pid of the process running <paramref name="runId"/> (this one included), or null when no process runs it.</summary>
    public int? OwnerOf(string runId)
    {
        var name = RunIds.SafeName(runId);
        var path = Path.Combine(Directory, name + ".lock");
        if (!File.Exists(path)) return null;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return ReadPid(name) ?? 0;
        }
    }

    /// <summary>Asks the process running <paramref name="runId"/> to cancel it (see <see cref="WatchCancelRequests"/>).</summary>
    public void RequestCancel(string runId, string reason)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = RunIds.SafeName(runId);
        var temp = Path.Combine(Directory, $"{name}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, new JsonObject { ["runId"] = runId, ["reason"] = reason }.ToJsonString());
        // Renamed into place whole: the watcher never reads half a request.
        File.Move(temp, Path.Combine(Directory, name + CancelSuffix), overwrite: true);
    }

    /// <summary>
    /// Offers <paramref name="cancel"/> (run id, reason) each cancel request dropped in the folder, including those already there;
    /// a request it takes (returns true: the run is live here) is removed, others stay for the process that runs the run.
    /// </summary>
    public IDisposable WatchCancelRequests(Func<string, string, bool> cancel)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var watcher = new FileSystemWatcher(Directory, "*" + CancelSuffix) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        void Take(string path)
        {
            JsonNode? request;
            try
            {
                request = JsonNode.Parse(File.ReadAllText(path));
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                return; // Taken meanwhile, or not a request.
            }
            if (request?["runId"]?.GetValue<string>() is not { } runId) return;
            if (cancel(runId, request["reason"]?.GetValue<string>() ?? "cancelled by request")) TryDelete(path);
        }
        watcher.Created += (_, e) => Take(e.FullPath);
        watcher.Renamed += (_, e) => Take(e.FullPath);
        watcher.EnableRaisingEvents = true;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + CancelSuffix)) Take(path);
        return watcher;
    }

    private int? ReadPid(string name)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(Directory, name + ".pid")), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Withdraws a cancel request nobody took (its run ended, or its process died).</summary>
    public void WithdrawCancelRequest(string runId) => TryDelete(Path.Combine(Directory, RunIds.SafeName(runId) + CancelSuffix));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left behind, it is harmless: an unlocked .lock file marks nothing, a request for no live run is withdrawn by its sender.
        }
    }

    private sealed class Mark(LiveRuns owner, string name, FileStream held) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            // Deleted while still held, so that no other process can take a lock on the file being deleted.
            TryDelete(Path.Combine(owner.Directory, name + ".pid"));
            TryDelete(Path.Combine(owner.Directory, name + ".lock"));
            held.Dispose();
        }

    }
}
