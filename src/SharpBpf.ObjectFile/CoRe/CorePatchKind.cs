namespace SharpBpf.ObjectFile.CoRe;

/// <summary>Which part of an instruction a CO-RE relocation rewrites (bpf_core_patch_insn).</summary>
public enum CorePatchKind
{
    /// <summary>Nothing: the relocation failed or was ambiguous.</summary>
    None,
    /// <summary>The immediate of an ALU/ALU64 instruction with a constant operand.</summary>
    Immediate,
    /// <summary>The offset of an LDX/ST/STX (and, when the field's size changed, its size bits).</summary>
    Offset,
    /// <summary>The 64-bit immediate of lddw (both slots).</summary>
    Immediate64,
    /// <summary>The instruction (both slots of lddw) becomes <c>call 0xbad2310</c>.</summary>
    Poison,
}
