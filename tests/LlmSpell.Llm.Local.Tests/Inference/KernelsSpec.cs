using LlmSpell.Llm.Local.Inference;

namespace LlmSpell.Llm.Local.Tests.Inference;

public sealed class KernelsSpec
{
    [Fact]
    public void ArgMax_takes_the_lowest_index_on_ties()
    {
        Kernels.ArgMax([1f, 3f, 2f, 3f]).Should().Be(1);
    }

    [Fact]
    public void Parallel_and_serial_matrix_vector_products_agree()
    {
        const int rows = 1500, cols = 1024; // above the parallel threshold
        var random = new Random(7);
        var w = Enumerable.Range(0, rows * cols).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var x = Enumerable.Range(0, cols).Select(_ => (float)random.NextDouble()).ToArray();
        var serial = new float[rows];
        var parallel = new float[rows];

        Kernels.MatVec(w, x, serial);
        Kernels.MatVec(w, x, cols, parallel, rows);

        parallel.Should().Equal(serial);
        serial[5].Should().BeApproximately((float)Enumerable.Range(0, cols).Sum(i => (double)w[5 * cols + i] * x[i]), 1e-3f);
    }

    [Fact]
    public void RmsNorm_scales_to_unit_root_mean_square_then_by_the_weight()
    {
        float[] x = [3, 4];
        var output = new float[2];

        Kernels.RmsNorm(x, [1, 2], 0f, output);

        var rms = MathF.Sqrt((9 + 16) / 2f);
        output[0].Should().BeApproximately(3 / rms, 1e-6f);
        output[1].Should().BeApproximately(2 * 4 / rms, 1e-6f);
    }

    [Fact]
    public void Softmax_sums_to_one_and_keeps_order()
    {
        float[] x = [1, 2, 3];

        Kernels.Softmax(x);

        x.Sum().Should().BeApproximately(1f, 1e-6f);
        x[2].Should().BeGreaterThan(x[1]).And.BeGreaterThan(x[0]);
    }
}
