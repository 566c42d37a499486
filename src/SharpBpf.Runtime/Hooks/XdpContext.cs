using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Verifier;
using VerifierRegion = SharpBpf.Verifier.MemoryRegionKind;

namespace SharpBpf.Runtime.Hooks;

/// <summary>
/// <c>struct xdp_md</c> in user space. Its fields are u32 in the uapi, but data, data_end and
/// data_meta are pointers (the kernel's convert_ctx_access rewrites those loads into 64-bit loads
/// of <c>xdp_buff</c>'s pointers). Here program addresses are 64-bit too, so the runtime's context
/// has one 8-byte slot per field and, like the kernel, the loads the verifier found going to the
/// context are rewritten: the pointer fields into 8-byte loads, every offset doubled.
/// </summary>
internal static class XdpContext
{
    /// <summary>The translated context's size: six 8-byte slots.</summary>
    public const int Size = 48;

    /// <summary>Rewrites every context load (per the verifier's facts) to the 8-byte-slot layout.</summary>
    public static void Translate(Instruction[] code, VerifierFacts facts, string name)
    {
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            var region = pc < facts.Regions.Length ? facts.Regions[pc] : VerifierRegion.None;
            if ((region & VerifierRegion.Context) == 0)
                continue;
            if (region != VerifierRegion.Context)
                throw new ArgumentException($"program '{name}': pc {pc}: one instruction accesses the context and other memory");
            if (insn.Class != Opcodes.ClassLdx || insn.Offset < 0 || insn.Offset >= 24)
                throw new ArgumentException($"program '{name}': pc {pc}: only loads of xdp_md fields are supported");
            int off = insn.Offset;
            int size = Opcodes.SizeInBytes(insn.Opcode);
            if (size == 4 && off is 0 or 4 or 8)
                code[pc] = new Instruction((byte)(insn.Opcode | 0x18), insn.Dst, insn.Src, (short)(off * 2), insn.Immediate); // BPF_W -> BPF_DW
            else
                code[pc] = insn.WithOffset((short)(2 * (off & ~3) + (off & 3)));
        }
    }

    /// <summary>Fills the context of a packet in region <see cref="LoadedProgram.PacketRegion"/>.</summary>
    public static void Fill(Span<byte> context, int packetLength, uint ingressIfindex, uint rxQueue)
    {
        ulong data = (ulong)LoadedProgram.PacketRegion << 32;
        BinaryPrimitives.WriteUInt64LittleEndian(context, data);
        BinaryPrimitives.WriteUInt64LittleEndian(context[8..], data + (uint)packetLength);
        BinaryPrimitives.WriteUInt64LittleEndian(context[16..], data); // no metadata: data_meta == data
        BinaryPrimitives.WriteUInt64LittleEndian(context[24..], ingressIfindex);
        BinaryPrimitives.WriteUInt64LittleEndian(context[32..], rxQueue);
        BinaryPrimitives.WriteUInt64LittleEndian(context[40..], 0);
    }
}
