using SharpBpf.Core;

namespace SharpBpf.Verifier.Agreement;

/// <summary>
/// How a program of the memory convention (r1 = a buffer, r2 = its length: uBPF, bpf_conformance,
/// ../shared/bench) becomes a program the kernel loads: an XDP program whose prolog points r1 at
/// the packet, proves <c>size</c> bytes of it readable and sets r2 = size. It is
/// ../shared/bench/kernel_bench.py's prolog, and what bpf_conformance's Linux plugin does with XDP.
/// </summary>
public static class MemoryConvention
{
    /// <summary>The prolog's length in slots: the kernel's instruction numbers are the body's plus this.</summary>
    public const int PrologLength = 9;

    /// <summary>
    /// <c>r0 = 0; r6 = r1; r1 = ctx-&gt;data; r2 = ctx-&gt;data_end; r3 = r1; r3 += size;
    /// if r3 &lt;= r2 goto +1; exit; r2 = size</c>.
    /// </summary>
    public static Instruction[] XdpProlog(int size) =>
    [
        Instruction.FromRaw(0x00000000000000b7), Instruction.FromRaw(0x00000000000016bf), Instruction.FromRaw(0x0000000000006161),
        Instruction.FromRaw(0x0000000000046261), Instruction.FromRaw(0x00000000000013bf), Instruction.FromRaw(((ulong)(uint)size << 32) | 0x0307),
        Instruction.FromRaw(0x00000000000123bd), Instruction.FromRaw(0x0000000000000095), Instruction.FromRaw(((ulong)(uint)size << 32) | 0x02b7),
    ];

    /// <summary>The body behind the XDP prolog for a buffer of <paramref name="size"/> bytes.</summary>
    public static Instruction[] AsXdp(ReadOnlySpan<Instruction> body, int size) => [.. XdpProlog(size), .. body];
}
