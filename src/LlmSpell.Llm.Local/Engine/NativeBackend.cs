using System.Collections.Concurrent;
using LLama.Native;

namespace LlmSpell.Llm.Local.Engine;

/// <summary>
/// The llama.cpp native library LLamaSharp loads (the CPU backend ships AVX-512, AVX2, AVX and no-AVX builds and picks
/// the best this CPU runs): loads it once, quietly, and says which build loaded or why none could.
/// </summary>
public static class NativeBackend
{
    private static readonly Lazy<string> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentQueue<string> RecentErrors = new();

    /// <summary>
    /// Loads the native library if it is not loaded yet; returns what loaded, e.g. "llama.cpp CPU (AVX-512)".
    /// </summary>
    /// <exception cref="LlmConfigurationException">No build of the library loads on this CPU/OS; the message says what to do.</exception>
    public static string EnsureLoaded() => Loaded.Value;

    /// <summary>The last errors llama.cpp logged (it logs why a model file is refused), oldest first.</summary>
    internal static string LastError() => string.Join(" ", RecentErrors.TakeLast(2)).Trim();

    internal static void ClearErrors() => RecentErrors.Clear();

    private static string Load()
    {
        try
        {
            // llama.cpp logs every tensor to stderr unless given a callback; keep only its errors, for our messages.
            if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
                NativeLibraryConfig.All.WithLogCallback(OnLog);
            NativeApi.llama_empty_call();
            var metadata = NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata;
            return metadata is null ? "llama.cpp (build unknown)" : $"llama.cpp {Describe(metadata)}";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException or LLama.Exceptions.RuntimeError)
        {
            throw new LlmConfigurationException(
                $"No build of llama.cpp (LLamaSharp.Backend.Cpu: AVX-512, AVX2, AVX, no-AVX) loads on this machine " +
                $"({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}): {Innermost(ex).Message.TrimEnd('.')}. " +
                "local/… models need it; run on linux-x64, linux-arm64, win-x64 or osx with glibc/libstdc++ installed, or use an Ollama or OpenAI-compatible endpoint instead.",
                LlmProviderOptions.LocalProvider, innerException: ex);
        }
    }

    private static string Describe(NativeLibraryMetadata metadata)
    {
        var device = metadata.UseCuda ? "CUDA" : metadata.UseVulkan ? "Vulkan" : "CPU";
        var simd = metadata.AvxLevel switch
        {
            AvxLevel.Avx512 => "AVX-512",
            AvxLevel.Avx2 => "AVX2",
            AvxLevel.Avx => "AVX",
            _ => "no AVX",
        };
        return $"{device} ({simd})";
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);

    private static void OnLog(LLamaLogLevel level, string message)
    {
        if (level != LLamaLogLevel.Error) return;
        RecentErrors.Enqueue(message.Trim());
        while (RecentErrors.Count > 8) RecentErrors.TryDequeue(out _);
    }
}
