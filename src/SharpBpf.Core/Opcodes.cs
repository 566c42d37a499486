namespace SharpBpf.Core;

/// <summary>
/// The bit fields of the eBPF opcode byte, with the kernel's names (include/uapi/linux/bpf.h,
/// bpf_common.h) and RFC 9669's layout.
/// </summary>
public static class Opcodes
{
    // Instruction classes (low 3 bits).
    /// <summary>BPF_LD: non-standard loads (lddw, legacy packet access).</summary>
    public const byte ClassLd = 0x00;
    /// <summary>BPF_LDX: load into a register from memory.</summary>
    public const byte ClassLdx = 0x01;
    /// <summary>BPF_ST: store an immediate to memory.</summary>
    public const byte ClassSt = 0x02;
    /// <summary>BPF_STX: store a register to memory (and atomics).</summary>
    public const byte ClassStx = 0x03;
    /// <summary>BPF_ALU: 32-bit arithmetic.</summary>
    public const byte ClassAlu = 0x04;
    /// <summary>BPF_JMP: 64-bit jumps, calls and exit.</summary>
    public const byte ClassJmp = 0x05;
    /// <summary>BPF_JMP32: 32-bit jumps.</summary>
    public const byte ClassJmp32 = 0x06;
    /// <summary>BPF_ALU64: 64-bit arithmetic.</summary>
    public const byte ClassAlu64 = 0x07;

    // Source operand (bit 3) of ALU and JMP classes.
    /// <summary>BPF_K: the immediate is the source operand.</summary>
    public const byte SourceK = 0x00;
    /// <summary>BPF_X: the src register is the source operand.</summary>
    public const byte SourceX = 0x08;

    // Arithmetic operations (high 4 bits).
    /// <summary>BPF_ADD.</summary>
    public const byte Add = 0x00;
    /// <summary>BPF_SUB.</summary>
    public const byte Sub = 0x10;
    /// <summary>BPF_MUL.</summary>
    public const byte Mul = 0x20;
    /// <summary>BPF_DIV (signed when offset is 1).</summary>
    public const byte Div = 0x30;
    /// <summary>BPF_OR.</summary>
    public const byte Or = 0x40;
    /// <summary>BPF_AND.</summary>
    public const byte And = 0x50;
    /// <summary>BPF_LSH.</summary>
    public const byte Lsh = 0x60;
    /// <summary>BPF_RSH.</summary>
    public const byte Rsh = 0x70;
    /// <summary>BPF_NEG.</summary>
    public const byte Neg = 0x80;
    /// <summary>BPF_MOD (signed when offset is 1).</summary>
    public const byte Mod = 0x90;
    /// <summary>BPF_XOR.</summary>
    public const byte Xor = 0xa0;
    /// <summary>BPF_MOV (sign-extending when offset is 8, 16 or 32).</summary>
    public const byte Mov = 0xb0;
    /// <summary>BPF_ARSH.</summary>
    public const byte Arsh = 0xc0;
    /// <summary>BPF_END: byte swaps.</summary>
    public const byte End = 0xd0;

    // Jump operations (high 4 bits).
    /// <summary>BPF_JA.</summary>
    public const byte Ja = 0x00;
    /// <summary>BPF_JEQ.</summary>
    public const byte Jeq = 0x10;
    /// <summary>BPF_JGT.</summary>
    public const byte Jgt = 0x20;
    /// <summary>BPF_JGE.</summary>
    public const byte Jge = 0x30;
    /// <summary>BPF_JSET.</summary>
    public const byte Jset = 0x40;
    /// <summary>BPF_JNE.</summary>
    public const byte Jne = 0x50;
    /// <summary>BPF_JSGT.</summary>
    public const byte Jsgt = 0x60;
    /// <summary>BPF_JSGE.</summary>
    public const byte Jsge = 0x70;
    /// <summary>BPF_CALL.</summary>
    public const byte Call = 0x80;
    /// <summary>BPF_EXIT.</summary>
    public const byte Exit = 0x90;
    /// <summary>BPF_JLT.</summary>
    public const byte Jlt = 0xa0;
    /// <summary>BPF_JLE.</summary>
    public const byte Jle = 0xb0;
    /// <summary>BPF_JSLT.</summary>
    public const byte Jslt = 0xc0;
    /// <summary>BPF_JSLE.</summary>
    public const byte Jsle = 0xd0;
    /// <summary>BPF_JCOND: may_goto (Linux 6.9).</summary>
    public const byte Jcond = 0xe0;

    // Load/store size (bits 3-4).
    /// <summary>BPF_W: 4 bytes.</summary>
    public const byte SizeW = 0x00;
    /// <summary>BPF_H: 2 bytes.</summary>
    public const byte SizeH = 0x08;
    /// <summary>BPF_B: 1 byte.</summary>
    public const byte SizeB = 0x10;
    /// <summary>BPF_DW: 8 bytes.</summary>
    public const byte SizeDW = 0x18;

    // Load/store mode (bits 5-7).
    /// <summary>BPF_IMM: lddw.</summary>
    public const byte ModeImm = 0x00;
    /// <summary>BPF_ABS: legacy packet access at a constant offset.</summary>
    public const byte ModeAbs = 0x20;
    /// <summary>BPF_IND: legacy packet access at a register plus a constant.</summary>
    public const byte ModeInd = 0x40;
    /// <summary>BPF_MEM: regular memory access.</summary>
    public const byte ModeMem = 0x60;
    /// <summary>BPF_MEMSX: sign-extending load.</summary>
    public const byte ModeMemSx = 0x80;
    /// <summary>BPF_ATOMIC: atomic operations (STX class).</summary>
    public const byte ModeAtomic = 0xc0;

    // Atomic operations, in the immediate of BPF_STX | BPF_ATOMIC.
    /// <summary>BPF_FETCH: the old value is returned in the src register.</summary>
    public const int AtomicFetch = 0x01;
    /// <summary>BPF_XCHG (always with BPF_FETCH).</summary>
    public const int AtomicXchg = 0xe0 | AtomicFetch;
    /// <summary>BPF_CMPXCHG (always with BPF_FETCH).</summary>
    public const int AtomicCmpXchg = 0xf0 | AtomicFetch;
    /// <summary>BPF_LOAD_ACQ (Linux 6.15).</summary>
    public const int AtomicLoadAcquire = 0x100;
    /// <summary>BPF_STORE_REL (Linux 6.15).</summary>
    public const int AtomicStoreRelease = 0x110;

    /// <summary>Whole opcode of lddw (BPF_LD | BPF_IMM | BPF_DW).</summary>
    public const byte LoadImm64 = ClassLd | ModeImm | SizeDW;
    /// <summary>Whole opcode of call (BPF_JMP | BPF_CALL).</summary>
    public const byte CallOpcode = ClassJmp | Call;
    /// <summary>Whole opcode of callx (BPF_JMP | BPF_CALL | BPF_X).</summary>
    public const byte CallXOpcode = ClassJmp | Call | SourceX;
    /// <summary>Whole opcode of exit.</summary>
    public const byte ExitOpcode = ClassJmp | Exit;

    /// <summary>Offset of BPF_ALU64 | BPF_MOV | BPF_X that marks addr_space_cast (BPF_ADDR_SPACE_CAST).</summary>
    public const short AddrSpaceCastOffset = 1;

    /// <summary>Size in bytes of a BPF_W/H/B/DW size field.</summary>
    public static int SizeInBytes(byte opcode) => (opcode & 0x18) switch
    {
        SizeW => 4,
        SizeH => 2,
        SizeB => 1,
        _ => 8,
    };
}
