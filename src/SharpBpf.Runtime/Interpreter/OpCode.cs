namespace SharpBpf.Runtime.Interpreter;

/// <summary>
/// The interpreter's own dense opcodes: one per distinct behaviour, so a dispatch switch is a
/// jump table and no handler re-decodes offset, src or imm (sdiv, movsx, atomics, calls).
/// Fused forms (<c>Mov*</c> three-address ALU, <c>*Ja</c> loop latches) stand for two adjacent
/// instructions; the second keeps its own op, so a jump into it still runs it alone. There are
/// fewer than 256, so the code fits in a byte.
/// </summary>
internal enum OpCode : byte
{
    Add64K, Sub64K, Mul64K, Div64K, Or64K, And64K, Lsh64K, Rsh64K, Mod64K, Xor64K, Mov64K, Arsh64K, SDiv64K, SMod64K,
    Add64X, Sub64X, Mul64X, Div64X, Or64X, And64X, Lsh64X, Rsh64X, Mod64X, Xor64X, Mov64X, Arsh64X, SDiv64X, SMod64X,
    Add32K, Sub32K, Mul32K, Div32K, Or32K, And32K, Lsh32K, Rsh32K, Mod32K, Xor32K, Mov32K, Arsh32K, SDiv32K, SMod32K,
    Add32X, Sub32X, Mul32X, Div32X, Or32X, And32X, Lsh32X, Rsh32X, Mod32X, Xor32X, Mov32X, Arsh32X, SDiv32X, SMod32X,

    // "rd = rs; rd op= x" as one op: rd = rs op x (x a register or the immediate).
    MovAdd64K, MovSub64K, MovMul64K, MovOr64K, MovAnd64K, MovXor64K, MovLsh64K, MovRsh64K, MovArsh64K,
    MovAdd64X, MovSub64X, MovMul64X, MovOr64X, MovAnd64X, MovXor64X, MovLsh64X, MovRsh64X, MovArsh64X,
    MovAdd32K, MovSub32K, MovMul32K, MovOr32K, MovAnd32K, MovXor32K, MovLsh32K, MovRsh32K, MovArsh32K,
    MovAdd32X, MovSub32X, MovMul32X, MovOr32X, MovAnd32X, MovXor32X, MovLsh32X, MovRsh32X, MovArsh32X,

    Jeq64K, Jgt64K, Jge64K, Jset64K, Jne64K, Jsgt64K, Jsge64K, Jlt64K, Jle64K, Jslt64K, Jsle64K,
    Jeq64X, Jgt64X, Jge64X, Jset64X, Jne64X, Jsgt64X, Jsge64X, Jlt64X, Jle64X, Jslt64X, Jsle64X,
    Jeq32K, Jgt32K, Jge32K, Jset32K, Jne32K, Jsgt32K, Jsge32K, Jlt32K, Jle32K, Jslt32K, Jsle32K,
    Jeq32X, Jgt32X, Jge32X, Jset32X, Jne32X, Jsgt32X, Jsge32X, Jlt32X, Jle32X, Jslt32X, Jsle32X,

    // "if cond goto +1; goto L" as one op (the same order as the plain jumps above).
    Jeq64KJa, Jgt64KJa, Jge64KJa, Jset64KJa, Jne64KJa, Jsgt64KJa, Jsge64KJa, Jlt64KJa, Jle64KJa, Jslt64KJa, Jsle64KJa,
    Jeq64XJa, Jgt64XJa, Jge64XJa, Jset64XJa, Jne64XJa, Jsgt64XJa, Jsge64XJa, Jlt64XJa, Jle64XJa, Jslt64XJa, Jsle64XJa,
    Jeq32KJa, Jgt32KJa, Jge32KJa, Jset32KJa, Jne32KJa, Jsgt32KJa, Jsge32KJa, Jlt32KJa, Jle32KJa, Jslt32KJa, Jsle32KJa,
    Jeq32XJa, Jgt32XJa, Jge32XJa, Jset32XJa, Jne32XJa, Jsgt32XJa, Jsge32XJa, Jlt32XJa, Jle32XJa, Jslt32XJa, Jsle32XJa,

    Neg64, Neg32,
    Movsx64B, Movsx64H, Movsx64W, Movsx32B, Movsx32H,
    Le16, Le32, Le64, Be16, Be32, Be64,
    Ja,
    MayGoto,
    CallHelper, CallLocal, CallX, CallUnsupported,
    Exit,
    LdDw,
    LdAbsB, LdAbsH, LdAbsW, LdIndB, LdIndH, LdIndW,
    LdxB, LdxH, LdxW, LdxDW, LdxsB, LdxsH, LdxsW,
    StB, StH, StW, StDW, StxB, StxH, StxW, StxDW,
    AAdd32, AOr32, AAnd32, AXor32, AFAdd32, AFOr32, AFAnd32, AFXor32, AXchg32, ACmpXchg32,
    AAdd64, AOr64, AAnd64, AXor64, AFAdd64, AFOr64, AFAnd64, AFXor64, AXchg64, ACmpXchg64,
    LdAcqB, LdAcqH, LdAcqW, LdAcqDW, StRelB, StRelH, StRelW, StRelDW,
    FellOff,
}
