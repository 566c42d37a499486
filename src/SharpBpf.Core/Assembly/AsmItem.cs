namespace SharpBpf.Core.Assembly;

/// <summary>Where a label's resolved offset goes.</summary>
internal enum FixupField
{
    None,
    /// <summary>The 16-bit offset field (jumps).</summary>
    Offset,
    /// <summary>The 32-bit immediate (gotol, local call, BPF_PSEUDO_FUNC lddw).</summary>
    Immediate,
}

/// <summary>One slot produced by a line, possibly waiting for a label.</summary>
internal readonly record struct AsmItem(Instruction Insn, FixupField Field = FixupField.None, JumpTarget Target = default)
{
    public static AsmItem Plain(Instruction insn) => new(insn);
}
