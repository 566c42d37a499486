namespace SharpBpf.Core;

/// <summary>What an opcode does, coarsely; the facts table maps each of the 256 opcodes to one.</summary>
public enum InstructionKind : byte
{
    /// <summary>Not an instruction.</summary>
    Invalid,
    /// <summary>Binary arithmetic: add, sub, mul, (s)div, or, and, lsh, rsh, (s)mod, xor, arsh.</summary>
    Alu,
    /// <summary>neg.</summary>
    Neg,
    /// <summary>mov, movsx, addr_space_cast.</summary>
    Mov,
    /// <summary>le/be/bswap.</summary>
    Endian,
    /// <summary>Conditional jump (JMP or JMP32).</summary>
    Jump,
    /// <summary>ja with a 16-bit offset.</summary>
    Ja,
    /// <summary>gotol: JMP32 ja with a 32-bit offset in imm.</summary>
    Gotol,
    /// <summary>may_goto (BPF_JCOND).</summary>
    MayGoto,
    /// <summary>call by helper id, local call or kfunc call.</summary>
    Call,
    /// <summary>callx: call the helper whose id is in a register.</summary>
    CallX,
    /// <summary>exit.</summary>
    Exit,
    /// <summary>lddw (two slots).</summary>
    LoadImm64,
    /// <summary>Legacy packet load at a constant offset (LD_ABS).</summary>
    LoadAbs,
    /// <summary>Legacy packet load at register + constant (LD_IND).</summary>
    LoadInd,
    /// <summary>LDX MEM.</summary>
    Load,
    /// <summary>LDX MEMSX.</summary>
    LoadSx,
    /// <summary>ST MEM: store an immediate.</summary>
    StoreImm,
    /// <summary>STX MEM: store a register.</summary>
    Store,
    /// <summary>STX ATOMIC: read-modify-write, exchange, load-acquire, store-release.</summary>
    Atomic,
}
