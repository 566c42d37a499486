using System.Buffers.Binary;
using System.Text;
using SharpBpf.Core.Diagnostics;
using SharpBpf.ObjectFile.Btf;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

/// <summary>
/// The C dumper on BTF that bpftool cannot dump at all: reference cycles that never pass through
/// a struct make libbpf recurse until its stack overflows. The dump must stop with a diagnostic
/// instead (a crash here would take down whatever process parses untrusted BTF).
/// </summary>
public sealed class BtfCDumperTests
{
    private const int Int = 1, Ptr = 2, Typedef = 8, Const = 10;

    [Fact]
    public void Pointer_cycle_without_a_struct_is_an_error_not_a_crash()
    {
        // [1] int, [2] PTR -> [3], [3] CONST -> [2], [4] TYPEDEF 'cyc' -> [2]
        var btf = Build(
            Type(1, Int, 4, intBits: 32),
            Type(0, Ptr, 3),
            Type(0, Const, 2),
            Type(5, Typedef, 2));
        var (output, error) = Dump(btf);
        Assert.NotNull(error);
        Assert.Contains("references deep", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("#ifndef __VMLINUX_H__\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("#endif /* __VMLINUX_H__ */", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Typedef_cycle_is_an_error_not_a_crash()
    {
        // [1] int, [2] TYPEDEF 'cyc' -> [3], [3] TYPEDEF 'cyc' -> [2]
        var btf = Build(Type(1, Int, 4, intBits: 32), Type(5, Typedef, 3), Type(5, Typedef, 2));
        var (_, error) = Dump(btf);
        Assert.NotNull(error);
        Assert.Equal(ObjectDiagnosticIds.BtfBadTypeId, error.Diagnostic.Id);
    }

    [Fact]
    public void Types_before_the_bad_one_are_dumped()
    {
        // [1] int, [2] TYPEDEF 'cyc' -> [1] (fine), [3] PTR -> [3] (a pointer to itself)
        var btf = Build(Type(1, Int, 4, intBits: 32), Type(5, Typedef, 1), Type(0, Ptr, 3));
        var (output, error) = Dump(btf);
        Assert.NotNull(error);
        Assert.Contains("before type [3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("typedef int cyc;\n\n", output, StringComparison.Ordinal);
    }

    private static (string Output, BpfFormatException? Error) Dump(BtfSpec btf)
    {
        var (output, error) = BtfDumpGoldenTests.DumpC(btf);
        return (Encoding.UTF8.GetString(output), error);
    }

    // Strings: "\0int\0cyc\0" (int at 1, cyc at 5).
    private static readonly byte[] Strings = "\0int\0cyc\0"u8.ToArray();

    private static byte[] Type(uint nameOffset, int kind, uint sizeOrType, int intBits = -1)
    {
        var t = new byte[intBits >= 0 ? 16 : 12];
        BinaryPrimitives.WriteUInt32LittleEndian(t, nameOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), (uint)kind << 24);
        BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(8), sizeOrType);
        if (intBits >= 0)
            BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(12), (1u << 24) | (uint)intBits);
        return t;
    }

    private static BtfSpec Build(params byte[][] types)
    {
        var typeBytes = types.SelectMany(t => t).ToArray();
        var data = new byte[24 + typeBytes.Length + Strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(data, BtfSpec.Magic);
        data[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)typeBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), (uint)typeBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(20), (uint)Strings.Length);
        typeBytes.CopyTo(data, 24);
        Strings.CopyTo(data, 24 + typeBytes.Length);
        return BtfSpec.Parse(data);
    }
}
