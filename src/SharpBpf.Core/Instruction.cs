using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SharpBpf.Core;

/// <summary>
/// One 8-byte eBPF instruction slot, as it lies in memory (little-endian): opcode, dst and src
/// registers in one byte (dst in the low nibble), a signed 16-bit offset and a signed 32-bit
/// immediate. A wide instruction (lddw) occupies two slots; the second has opcode 0 and carries
/// the high 32 bits of the immediate.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1, Size = 8)]
public readonly struct Instruction : IEquatable<Instruction>
{
    private readonly byte _opcode;
    private readonly byte _regs;
    private readonly short _offset;
    private readonly int _imm;

    /// <summary>Creates an instruction from its fields. Registers are taken modulo 16.</summary>
    public Instruction(byte opcode, int dst, int src, short offset, int immediate)
    {
        _opcode = opcode;
        _regs = (byte)((dst & 0xF) | ((src & 0xF) << 4));
        _offset = offset;
        _imm = immediate;
    }

    /// <summary>The opcode byte.</summary>
    public byte Opcode => _opcode;

    /// <summary>The destination register field (0-15).</summary>
    public int Dst => _regs & 0xF;

    /// <summary>The source register field (0-15).</summary>
    public int Src => _regs >> 4;

    /// <summary>The signed 16-bit offset field.</summary>
    public short Offset => _offset;

    /// <summary>The signed 32-bit immediate field.</summary>
    public int Immediate => _imm;

    /// <summary>The instruction class (low 3 bits of the opcode).</summary>
    public byte Class => (byte)(_opcode & 0x07);

    /// <summary>True for lddw, which takes two slots.</summary>
    public bool IsWide => _opcode == Opcodes.LoadImm64;

    /// <summary>The slot as a 64-bit value whose little-endian bytes are the encoding.</summary>
    public ulong RawValue =>
        _opcode | ((ulong)_regs << 8) | ((ulong)(ushort)_offset << 16) | ((ulong)(uint)_imm << 32);

    /// <summary>Builds a slot from its 64-bit value (bpf_conformance `-- raw` words).</summary>
    public static Instruction FromRaw(ulong raw) => new(
        (byte)raw, (int)(raw >> 8) & 0xF, (int)(raw >> 12) & 0xF, (short)(raw >> 16), (int)(raw >> 32));

    /// <summary>Reads one slot from 8 little-endian bytes.</summary>
    public static Instruction Read(ReadOnlySpan<byte> bytes) => FromRaw(BinaryPrimitives.ReadUInt64LittleEndian(bytes));

    /// <summary>Writes the slot as 8 little-endian bytes.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, RawValue);

    /// <summary>The same slot with another immediate.</summary>
    public Instruction WithImmediate(int immediate) => new(_opcode, Dst, Src, _offset, immediate);

    /// <summary>The same slot with another offset.</summary>
    public Instruction WithOffset(short offset) => new(_opcode, Dst, Src, offset, _imm);

    /// <summary>The same slot with another src register.</summary>
    public Instruction WithSrc(int src) => new(_opcode, Dst, src, _offset, _imm);

    /// <inheritdoc/>
    public bool Equals(Instruction other) => RawValue == other.RawValue;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Instruction other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawValue.GetHashCode();

    /// <summary>Equality of the encodings.</summary>
    public static bool operator ==(Instruction left, Instruction right) => left.Equals(right);

    /// <summary>Inequality of the encodings.</summary>
    public static bool operator !=(Instruction left, Instruction right) => !left.Equals(right);

    /// <summary>The slot as `0x%016x`, the bpf_conformance raw word.</summary>
    public override string ToString() => $"0x{RawValue:x16}";
}
