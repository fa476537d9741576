using System.Buffers.Binary;
using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Inference;
using LlmSpell.Llm.Local.Tests.Support;

namespace LlmSpell.Llm.Local.Tests.Gguf;

public sealed class GgufFileSpec
{
    [Fact]
    public void Reads_the_header_metadata_and_tensors_of_stories260K()
    {
        using var file = GgufFile.Open(TestModels.PathOf(TestModels.Stories260K));

        file.Version.Should().Be(3);
        file.Alignment.Should().Be(32);
        file.DataOffset.Should().BeGreaterThan(0);
        (file.DataOffset % 32).Should().Be(0);
        file.Metadata.GetString("general.architecture").Should().Be("llama");
        file.Metadata.GetInteger("llama.embedding_length").Should().Be(64);
        file.Metadata.GetArray("tokenizer.ggml.tokens").Count.Should().Be(512);
        var embeddings = file.GetTensor("token_embd.weight");
        embeddings.Dimensions.Should().Equal(64L, 512L);
        embeddings.Type.Should().Be(GgmlType.F32);
        file.ReadFloats(embeddings).Should().HaveCount(64 * 512).And.Contain(v => v != 0);
    }

    [Fact]
    public void Reads_metadata_of_every_value_type_including_nested_arrays()
    {
        var writer = new GgufWriter()
            .Add("u8", GgufValueType.UInt8, (byte)200)
            .Add("i8", GgufValueType.Int8, (sbyte)-100)
            .Add("u16", GgufValueType.UInt16, (ushort)60000)
            .Add("i16", GgufValueType.Int16, (short)-30000)
            .Add("u32", GgufValueType.UInt32, 4_000_000_000u)
            .Add("i32", GgufValueType.Int32, -2_000_000_000)
            .Add("u64", GgufValueType.UInt64, 9_000_000_000_000_000_000ul)
            .Add("i64", GgufValueType.Int64, -9_000_000_000_000_000_000L)
            .Add("f32", GgufValueType.Float32, 1.5f)
            .Add("f64", GgufValueType.Float64, -2.25)
            .Add("yes", GgufValueType.Bool, true)
            .Add("name", GgufValueType.String, "héllo ▁")
            .AddArray("ints", GgufValueType.Int32, 1, 2, 3)
            .AddArray("nested", GgufValueType.Array, (GgufValueType.String, new object[] { "a", "b" }), (GgufValueType.Float32, new object[] { 0.5f }))
            .AddF32Tensor("t", [2, 3], [1, 2, 3, 4, 5, 6]);
        using var temp = TempFile.With(writer.ToBytes());
        using var file = GgufFile.Open(temp.Path);
        var md = file.Metadata;

        md["u8"].Should().Be((byte)200);
        md["i8"].Should().Be((sbyte)-100);
        md["u16"].Should().Be((ushort)60000);
        md["i16"].Should().Be((short)-30000);
        md.GetInteger("u32").Should().Be(4_000_000_000L);
        md.GetInteger("i32").Should().Be(-2_000_000_000L);
        md["u64"].Should().Be(9_000_000_000_000_000_000ul);
        md.GetInteger("i64").Should().Be(-9_000_000_000_000_000_000L);
        md.GetFloatOr("f32", 0).Should().Be(1.5);
        md.GetFloatOr("f64", 0).Should().Be(-2.25);
        md["yes"].Should().Be(true);
        md.GetString("name").Should().Be("héllo ▁");
        md.GetArray("ints").AsInts().Should().Equal(1, 2, 3);
        var nested = md.GetArray("nested");
        nested.ElementType.Should().Be(GgufValueType.Array);
        ((GgufArray)nested.Items[0]).AsStrings().Should().Equal("a", "b");
        ((GgufArray)nested.Items[1]).AsFloats().Should().Equal(0.5f);
        file.ReadFloats(file.GetTensor("t")).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Honours_general_alignment()
    {
        var writer = new GgufWriter { Alignment = 64 }
            .Add("general.alignment", GgufValueType.UInt32, 64u)
            .AddF32Tensor("a", [3], [1, 2, 3])
            .AddF32Tensor("b", [2], [7, 8]);
        using var temp = TempFile.With(writer.ToBytes());
        using var file = GgufFile.Open(temp.Path);

        file.Alignment.Should().Be(64);
        (file.DataOffset % 64).Should().Be(0);
        file.GetTensor("b").Offset.Should().Be(64);
        file.ReadFloats(file.GetTensor("b")).Should().Equal(7, 8);
    }

    [Fact]
    public void A_wrong_magic_is_reported_with_what_was_found()
    {
        using var temp = TempFile.With(new GgufWriter { Magic = 0x4C4C4747 }.AddF32Tensor("a", [1], [1]).ToBytes());

        var act = () => GgufFile.Open(temp.Path);

        act.Should().Throw<GgufFormatException>().Which.Message.Should().Contain(temp.Path).And.Contain("wrong magic").And.Contain("GGLL");
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void An_unsupported_version_is_reported(uint version)
    {
        using var temp = TempFile.With(new GgufWriter { Version = version }.ToBytes());

        var act = () => GgufFile.Open(temp.Path);

        act.Should().Throw<GgufFormatException>().Which.Message.Should().Contain($"unsupported GGUF version {version}").And.Contain(temp.Path);
    }

    [Fact]
    public void Version_2_files_are_read()
    {
        using var temp = TempFile.With(new GgufWriter { Version = 2 }.AddF32Tensor("a", [2], [3, 4]).ToBytes());
        using var file = GgufFile.Open(temp.Path);

        file.Version.Should().Be(2);
        file.ReadFloats(file.GetTensor("a")).Should().Equal(3, 4);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(600_000)]
    public void A_truncated_copy_of_the_model_is_reported(int keptBytes)
    {
        var bytes = File.ReadAllBytes(TestModels.PathOf(TestModels.Stories260K));
        using var temp = TempFile.With(bytes[..keptBytes]);

        var act = () => GgufFile.Open(temp.Path);

        act.Should().Throw<GgufFormatException>().Which.Message.Should().Contain("truncated").And.Contain(temp.Path);
    }

    [Fact]
    public void An_unknown_tensor_type_is_reported_with_the_tensor_name()
    {
        using var temp = TempFile.With(new GgufWriter().AddTensor("blk.0.weird", [32], 99, new byte[32]).ToBytes());

        var act = () => GgufFile.Open(temp.Path);

        act.Should().Throw<GgufFormatException>().Which.Message.Should().Contain("blk.0.weird").And.Contain("tensor type 99");
    }

    [Fact]
    public void An_unsupported_architecture_is_reported_by_the_model_loader()
    {
        var bytes = File.ReadAllBytes(TestModels.PathOf(TestModels.Stories260K));
        // Same length as "llama", so every later offset stays valid.
        var key = bytes.AsSpan().IndexOf("general.architecture"u8);
        var at = key + bytes.AsSpan(key).IndexOf("llama"u8);
        "gpt2x"u8.CopyTo(bytes.AsSpan(at));
        using var temp = TempFile.With(bytes);

        var act = () => LlamaModel.Load(temp.Path);

        act.Should().Throw<GgufFormatException>().Which.Message.Should().Contain("unsupported architecture 'gpt2x'").And.Contain(temp.Path);
    }

    [Fact]
    public void Unsupported_quantised_weights_are_refused_with_the_tensor_named()
    {
        using var temp = TempFile.With(new GgufWriter().AddTensor("blk.0.attn_q.weight", [32], (uint)GgmlType.Q5_0, new byte[22]).ToBytes());
        using var file = GgufFile.Open(temp.Path);

        var act = () => file.ReadFloats(file.GetTensor("blk.0.attn_q.weight"));

        act.Should().Throw<GgufFormatException>().Which.Message.Should().Contain("blk.0.attn_q.weight").And.Contain("Q5_0").And.Contain("Q8_0").And.Contain("Q6_K").And.Contain("Q4_K");
    }

    [Fact]
    public void Q4_0_tensors_are_converted_to_floats_on_load()
    {
        // Q4_0: two blocks of 32, each [f16 d][16 bytes qs]; element j = d × (low nibble of qs[j] − 8),
        // element j + 16 = d × (high nibble of qs[j] − 8).
        float[] scales = [0.5f, -0.25f];
        var bytes = new byte[2 * 18];
        var expected = new float[64];
        for (var b = 0; b < 2; b++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(b * 18), (Half)scales[b]);
            for (var j = 0; j < 16; j++)
            {
                var low = (j + b * 5) % 16;
                var high = (15 - j + b * 3) % 16;
                bytes[b * 18 + 2 + j] = (byte)(low | (high << 4));
                expected[b * 32 + j] = scales[b] * (low - 8);
                expected[b * 32 + j + 16] = scales[b] * (high - 8);
            }
        }

        using var temp = TempFile.With(new GgufWriter().AddTensor("q4", [64], (uint)GgmlType.Q4_0, bytes).ToBytes());
        using var file = GgufFile.Open(temp.Path);

        var values = file.ReadFloats(file.GetTensor("q4"));
        values.Should().Equal(expected);
        values[0].Should().Be(-4f, "the first element is 0.5 × (0 − 8)");
        values[16].Should().Be(3.5f, "the first high nibble is 15: 0.5 × (15 − 8)");
    }

    [Fact]
    public void Q6_K_tensors_are_converted_to_floats_on_load()
    {
        // Q6_K super-block of 256 = [ql: 128 bytes][qh: 64 bytes][scales: 16 × int8][f16 d].
        // Element i: half h = i / 128, r = i % 128, group g = r / 32, l = r % 32.
        // Low 4 bits: g 0/1 = low nibble of ql[64h + l] / ql[64h + l + 32], g 2/3 = high nibble of the same bytes.
        // High 2 bits: bits 2g..2g+1 of qh[32h + l]. Scale: scales[8h + l / 16 + 2g]. Value = d × scale × (q − 32).
        var random = new Random(6);
        float[] ds = [0.03125f, -0.5f];
        var bytes = new byte[2 * 210];
        random.NextBytes(bytes);
        var expected = new float[512];
        for (var b = 0; b < 2; b++)
        {
            var block = bytes.AsSpan(b * 210, 210);
            BinaryPrimitives.WriteHalfLittleEndian(block[208..], (Half)ds[b]);
            for (var i = 0; i < 256; i++)
            {
                int h = i / 128, r = i % 128, g = r / 32, l = r % 32;
                var qlByte = block[64 * h + l + (g % 2 == 1 ? 32 : 0)];
                var low = g < 2 ? qlByte & 0xF : qlByte >> 4;
                var high = (block[128 + 32 * h + l] >> (2 * g)) & 3;
                var scale = (sbyte)block[192 + 8 * h + l / 16 + 2 * g];
                expected[b * 256 + i] = ds[b] * scale * ((low | (high << 4)) - 32);
            }
        }
        // Pin one element by hand: block 0, element 0 = d × scales[0] × ((ql[0] & 0xF | (qh[0] & 3) << 4) − 32).
        var first = ds[0] * (sbyte)bytes[192] * (((bytes[0] & 0xF) | ((bytes[128] & 3) << 4)) - 32);

        using var temp = TempFile.With(new GgufWriter().AddTensor("q6", [256, 2], (uint)GgmlType.Q6_K, bytes).ToBytes());
        using var file = GgufFile.Open(temp.Path);

        var values = file.ReadFloats(file.GetTensor("q6"));
        values.Should().Equal(expected);
        values[0].Should().Be(first);
    }

    [Fact]
    public void Q4_K_tensors_are_converted_to_floats_on_load()
    {
        // Q4_K super-block of 256 = [f16 d][f16 dmin][12 bytes scales][qs: 128 bytes], 8 sub-blocks s of 32 elements,
        // each with a 6-bit scale sc[s] and a 6-bit min m[s]. Packing of the 12 bytes, for k in 0..3:
        //   byte k     = sc[k] | (sc[k+4] >> 4) << 6      byte k + 4 = m[k] | (m[k+4] >> 4) << 6
        //   byte k + 8 = (sc[k+4] & 0xF) | (m[k+4] & 0xF) << 4
        // Element i: s = i / 32; q = nibble (low when s is even, high when odd) of qs[32 × (s / 2) + i % 32];
        // value = d × sc[s] × q − dmin × m[s].
        var random = new Random(4);
        float[] ds = [0.0625f, -0.25f], dmins = [0.5f, 0.015625f];
        var bytes = new byte[2 * 144];
        random.NextBytes(bytes);
        var expected = new float[512];
        for (var b = 0; b < 2; b++)
        {
            var block = bytes.AsSpan(b * 144, 144);
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)ds[b]);
            BinaryPrimitives.WriteHalfLittleEndian(block[2..], (Half)dmins[b]);
            var sc = new int[8];
            var m = new int[8];
            for (var s = 0; s < 8; s++)
            {
                sc[s] = random.Next(64);
                m[s] = random.Next(64);
            }
            sc[7] = 63;
            m[4] = 63;
            for (var k = 0; k < 4; k++)
            {
                block[4 + k] = (byte)(sc[k] | ((sc[k + 4] >> 4) << 6));
                block[4 + k + 4] = (byte)(m[k] | ((m[k + 4] >> 4) << 6));
                block[4 + k + 8] = (byte)((sc[k + 4] & 0xF) | ((m[k + 4] & 0xF) << 4));
            }
            for (var i = 0; i < 256; i++)
            {
                var s = i / 32;
                var qsByte = block[16 + 32 * (s / 2) + i % 32];
                var q = s % 2 == 0 ? qsByte & 0xF : qsByte >> 4;
                expected[b * 256 + i] = ds[b] * sc[s] * q - dmins[b] * m[s];
            }
        }

        using var temp = TempFile.With(new GgufWriter().AddTensor("q4k", [256, 2], (uint)GgmlType.Q4_K, bytes).ToBytes());
        using var file = GgufFile.Open(temp.Path);

        var values = file.ReadFloats(file.GetTensor("q4k"));
        values.Should().Equal(expected);
    }

    [Fact]
    public void F16_BF16_and_Q8_0_tensors_are_converted_to_floats_on_load()
    {
        // F16: IEEE half precision, little-endian. Values exactly representable in half.
        float[] halves = [1f, -2.5f, 0.000061035156f, 65504f, 0f, -0.333251953125f];
        var f16 = new byte[halves.Length * 2];
        for (var i = 0; i < halves.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(f16.AsSpan(2 * i), (Half)halves[i]);

        // BF16: the upper 16 bits of an F32.
        float[] brains = [1f, -3.5f, 256f, 0.15625f];
        var bf16 = new byte[brains.Length * 2];
        for (var i = 0; i < brains.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bf16.AsSpan(2 * i), (ushort)(BitConverter.SingleToInt32Bits(brains[i]) >>> 16));

        // Q8_0: two blocks, each [f16 scale d][32 × int8 q]; element = d × q.
        var q8 = new byte[2 * 34];
        float[] scales = [0.5f, -0.125f];
        var expectedQ8 = new float[64];
        for (var b = 0; b < 2; b++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(q8.AsSpan(b * 34), (Half)scales[b]);
            for (var i = 0; i < 32; i++)
            {
                var q = (sbyte)(i * 8 - 128 + b * 3);
                q8[b * 34 + 2 + i] = unchecked((byte)q);
                expectedQ8[b * 32 + i] = scales[b] * q;
            }
        }

        using var temp = TempFile.With(new GgufWriter()
            .AddTensor("half", [halves.Length], (uint)GgmlType.F16, f16)
            .AddTensor("brain", [brains.Length], (uint)GgmlType.BF16, bf16)
            .AddTensor("q8", [64], (uint)GgmlType.Q8_0, q8)
            .ToBytes());
        using var file = GgufFile.Open(temp.Path);

        file.ReadFloats(file.GetTensor("half")).Should().Equal(halves);
        file.ReadFloats(file.GetTensor("brain")).Should().Equal(brains);
        var q8Values = file.ReadFloats(file.GetTensor("q8"));
        q8Values.Should().Equal(expectedQ8);
        q8Values[0].Should().Be(-64f, "the first element is 0.5 × -128");
        q8Values[63].Should().Be(-0.125f * (31 * 8 - 128 + 3));
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var act = () => GgufFile.Open("/nonexistent/model.gguf");

        act.Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("/nonexistent/model.gguf");
    }

    [Fact]
    public void Reading_after_dispose_throws()
    {
        var file = GgufFile.Open(TestModels.PathOf(TestModels.Stories260K));
        var tensor = file.GetTensor("output_norm.weight");
        file.Dispose();

        var act = () => file.ReadFloats(tensor);

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void The_header_magic_constant_spells_GGUF()
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, GgufFile.Magic);
        b.ToArray().Should().Equal("GGUF"u8.ToArray());
    }
}
