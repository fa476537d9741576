using System.Runtime.InteropServices;
using KeraLua;

namespace LlmSpell.Scripting.Lua.Hosting;

/// <summary>
/// The Lua state's allocator: <c>realloc</c>/<c>free</c> over native memory, refusing (returning null, so Lua itself
/// raises "not enough memory") once the script's heap would pass the limit. Nothing is thrown or longjmp'd from
/// managed code. Refusal is sticky, so a script cannot catch the error with <c>pcall</c> and carry on allocating;
/// and it applies only while script code runs (<see cref="Enforced"/>): an allocation the host makes while
/// marshalling data must never fail, as Lua would unwind through .NET frames.
/// </summary>
internal sealed unsafe class LuaMemoryLimit
{
    private readonly long _limit;

    public LuaMemoryLimit(long limitBytes)
    {
        _limit = limitBytes <= 0 ? long.MaxValue : limitBytes;
        // Kept in a field: native code holds a pointer to this delegate for the state's lifetime.
        Allocator = Allocate;
    }

    public LuaAlloc Allocator { get; }

    /// <summary>Bytes the Lua heap holds now.</summary>
    public long Used { get; private set; }

    /// <summary>Whether an allocation was refused: the limit was hit.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>True while script code runs; the host's own allocations are never refused.</summary>
    public bool Enforced { get; set; }

    private IntPtr Allocate(IntPtr ud, IntPtr ptr, UIntPtr osize, UIntPtr nsize)
    {
        // With ptr null, osize encodes the kind of object being created, not a size.
        var old = ptr == IntPtr.Zero ? 0 : (long)osize;
        if (nsize == UIntPtr.Zero)
        {
            if (ptr != IntPtr.Zero) NativeMemory.Free((void*)ptr);
            Used -= old;
            return IntPtr.Zero;
        }
        var grow = (long)nsize - old;
        if (grow > 0 && Enforced && (Exceeded || Used + grow > _limit))
        {
            Exceeded = true;
            return IntPtr.Zero;
        }
        var result = (IntPtr)NativeMemory.Realloc((void*)ptr, nsize);
        if (result != IntPtr.Zero) Used += grow;
        return result;
    }
}
