using System.Numerics.Tensors;

namespace LlmSpell.Llm.Local.Inference;

/// <summary>The numeric building blocks of the forward pass, written to follow ggml's CPU kernels closely (so argmax ties break alike).</summary>
internal static class Kernels
{
    /// <summary>
    /// Below this many multiply-adds a matrix-vector product stays on one core: fork/join costs more than it saves.
    /// Settable so the benchmark can measure both paths (<c>--parallel-threshold</c>).
    /// </summary>
    internal static long ParallelThreshold { get; set; } = 1 << 20;

    /// <summary>out = W·x for a row-major W with out.Length rows of x.Length columns.</summary>
    public static void MatVec(float[] weights, ReadOnlySpan<float> x, Span<float> output)
    {
        var cols = x.Length;
        var rows = output.Length;
        var w = weights.AsSpan(0, rows * cols);
        for (var r = 0; r < rows; r++) output[r] = TensorPrimitives.Dot(w.Slice(r * cols, cols), x);
    }

    /// <summary>The same product over arrays, rows split across cores when the matrix is big enough to pay for it.</summary>
    public static void MatVec(float[] weights, float[] x, int cols, float[] output, int rows)
    {
        if ((long)rows * cols < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            MatVec(weights, x.AsSpan(0, cols), output.AsSpan(0, rows));
            return;
        }
        MatVecParallel(weights, x, cols, output, rows);
    }

    // A separate method so that the lambda's closure is allocated only when the parallel path runs.
    private static void MatVecParallel(float[] weights, float[] x, int cols, float[] output, int rows)
    {
        var chunks = Math.Min(Environment.ProcessorCount, rows);
        Parallel.For(0, chunks, c =>
        {
            var start = (int)((long)rows * c / chunks);
            var end = (int)((long)rows * (c + 1) / chunks);
            var xs = x.AsSpan(0, cols);
            for (var r = start; r < end; r++) output[r] = TensorPrimitives.Dot(weights.AsSpan(r * cols, cols), xs);
        });
    }

    /// <summary>ggml_rms_norm then a multiply by the weight: the sum of squares accumulates in double, as ggml does.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float epsilon, Span<float> output)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++) sum += x[i] * x[i];
        var mean = (float)(sum / x.Length);
        var scale = 1.0f / MathF.Sqrt(mean + epsilon);
        TensorPrimitives.Multiply(x, scale, output);
        TensorPrimitives.Multiply(output, weight, output);
    }

    /// <summary>In-place softmax; the exponent sum accumulates in double, as ggml's soft_max does.</summary>
    public static void Softmax(Span<float> x)
    {
        var max = TensorPrimitives.Max(x);
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var e = MathF.Exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        TensorPrimitives.Multiply(x, (float)(1.0 / sum), x);
    }

    /// <summary>SiLU(gate) * up, in place in <paramref name="gate"/>.</summary>
    public static void SwiGlu(Span<float> gate, ReadOnlySpan<float> up)
    {
        for (var i = 0; i < gate.Length; i++)
        {
            var g = gate[i];
            gate[i] = g / (1.0f + MathF.Exp(-g)) * up[i];
        }
    }

    /// <summary>The index of the largest value; the lowest index on ties.</summary>
    public static int ArgMax(ReadOnlySpan<float> x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++)
            if (x[i] > x[best]) best = i;
        return best;
    }
}
