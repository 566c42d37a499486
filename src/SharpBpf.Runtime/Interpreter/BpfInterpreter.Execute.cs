using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpBpf.Runtime.Interpreter;

public sealed partial class BpfInterpreter
{
    // The interpreter loop: handlers joined by gotos.
    //
    // Dispatch: D0..D7 are eight copies of the same switch. Each compiles to a jump table with
    // its own indirect jump, and each handler continues at one copy (fixed per handler). The
    // CPU's indirect-branch predictor then sees eight jumps, each following only a few
    // handlers, instead of one jump shared by all: on straight-line code (a thousand different
    // instructions in a row) that is 2.5-3.5x faster than a single switch, and loops gain
    // 1.5x. Sixteen or 32 copies were up to 10-30% faster still, but made the JIT take 60-120 ms
    // more for this method on the first run. The copies must stay identical: a new opcode
    // needs its handler and a case in each.
    //
    // Handlers advance `op` first and work on `o` (the op they execute): their last action is
    // then a different store in each, so the JIT does not merge their tails into one shared
    // block (one more jump per instruction).
    //
    // `op` walks the op array by reference: the FellOff sentinel and the predecoder's in-range
    // targets keep it inside, and jumps add their relative offset. The exact instruction count
    // needs no work per instruction: `acc` is kept so that the instructions executed before `op`
    // are always acc + (index of op), which only taken jumps, calls and returns adjust. That
    // leaves four values live across the loop (op, r, regions, acc), all in registers;
    // everything else is in `st` and touched on cold paths (backward jumps, calls, faults),
    // which call out-of-line methods. No try/catch here (it would keep locals out of
    // registers): a helper's fault is caught in CallHelper.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Execute(ref RunState st, ulong arg1, ulong arg2)
    {
        ref Op op = ref st.Op0;
        MemoryRegion[] regions = st.Map.Regions;
        Span<ulong> regs = stackalloc ulong[11];
        regs.Clear();
        ref ulong r = ref MemoryMarshal.GetReference(regs);
        Unsafe.Add(ref r, 1) = arg1;
        Unsafe.Add(ref r, 2) = arg2;
        Unsafe.Add(ref r, 10) = MemoryMap.StackTop;
        long acc = 0;
    D0:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D1:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D2:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D3:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D4:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D5:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D6:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }
    D7:
        switch (op.Code)
        {
            case OpCode.Add64K: goto Add64K; case OpCode.Sub64K: goto Sub64K; case OpCode.Mul64K: goto Mul64K;
            case OpCode.Div64K: goto Div64K; case OpCode.Or64K: goto Or64K; case OpCode.And64K: goto And64K;
            case OpCode.Lsh64K: goto Lsh64K; case OpCode.Rsh64K: goto Rsh64K; case OpCode.Mod64K: goto Mod64K;
            case OpCode.Xor64K: goto Xor64K; case OpCode.Mov64K: goto Mov64K; case OpCode.Arsh64K: goto Arsh64K;
            case OpCode.SDiv64K: goto SDiv64K; case OpCode.SMod64K: goto SMod64K; case OpCode.Add64X: goto Add64X;
            case OpCode.Sub64X: goto Sub64X; case OpCode.Mul64X: goto Mul64X; case OpCode.Div64X: goto Div64X;
            case OpCode.Or64X: goto Or64X; case OpCode.And64X: goto And64X; case OpCode.Lsh64X: goto Lsh64X;
            case OpCode.Rsh64X: goto Rsh64X; case OpCode.Mod64X: goto Mod64X; case OpCode.Xor64X: goto Xor64X;
            case OpCode.Mov64X: goto Mov64X; case OpCode.Arsh64X: goto Arsh64X; case OpCode.SDiv64X: goto SDiv64X;
            case OpCode.SMod64X: goto SMod64X; case OpCode.Add32K: goto Add32K; case OpCode.Sub32K: goto Sub32K;
            case OpCode.Mul32K: goto Mul32K; case OpCode.Div32K: goto Div32K; case OpCode.Or32K: goto Or32K;
            case OpCode.And32K: goto And32K; case OpCode.Lsh32K: goto Lsh32K; case OpCode.Rsh32K: goto Rsh32K;
            case OpCode.Mod32K: goto Mod32K; case OpCode.Xor32K: goto Xor32K; case OpCode.Mov32K: goto Mov32K;
            case OpCode.Arsh32K: goto Arsh32K; case OpCode.SDiv32K: goto SDiv32K; case OpCode.SMod32K: goto SMod32K;
            case OpCode.Add32X: goto Add32X; case OpCode.Sub32X: goto Sub32X; case OpCode.Mul32X: goto Mul32X;
            case OpCode.Div32X: goto Div32X; case OpCode.Or32X: goto Or32X; case OpCode.And32X: goto And32X;
            case OpCode.Lsh32X: goto Lsh32X; case OpCode.Rsh32X: goto Rsh32X; case OpCode.Mod32X: goto Mod32X;
            case OpCode.Xor32X: goto Xor32X; case OpCode.Mov32X: goto Mov32X; case OpCode.Arsh32X: goto Arsh32X;
            case OpCode.SDiv32X: goto SDiv32X; case OpCode.SMod32X: goto SMod32X; case OpCode.MovAdd64K: goto MovAdd64K;
            case OpCode.MovSub64K: goto MovSub64K; case OpCode.MovMul64K: goto MovMul64K; case OpCode.MovOr64K: goto MovOr64K;
            case OpCode.MovAnd64K: goto MovAnd64K; case OpCode.MovXor64K: goto MovXor64K; case OpCode.MovLsh64K: goto MovLsh64K;
            case OpCode.MovRsh64K: goto MovRsh64K; case OpCode.MovArsh64K: goto MovArsh64K; case OpCode.MovAdd64X: goto MovAdd64X;
            case OpCode.MovSub64X: goto MovSub64X; case OpCode.MovMul64X: goto MovMul64X; case OpCode.MovOr64X: goto MovOr64X;
            case OpCode.MovAnd64X: goto MovAnd64X; case OpCode.MovXor64X: goto MovXor64X; case OpCode.MovLsh64X: goto MovLsh64X;
            case OpCode.MovRsh64X: goto MovRsh64X; case OpCode.MovArsh64X: goto MovArsh64X; case OpCode.MovAdd32K: goto MovAdd32K;
            case OpCode.MovSub32K: goto MovSub32K; case OpCode.MovMul32K: goto MovMul32K; case OpCode.MovOr32K: goto MovOr32K;
            case OpCode.MovAnd32K: goto MovAnd32K; case OpCode.MovXor32K: goto MovXor32K; case OpCode.MovLsh32K: goto MovLsh32K;
            case OpCode.MovRsh32K: goto MovRsh32K; case OpCode.MovArsh32K: goto MovArsh32K; case OpCode.MovAdd32X: goto MovAdd32X;
            case OpCode.MovSub32X: goto MovSub32X; case OpCode.MovMul32X: goto MovMul32X; case OpCode.MovOr32X: goto MovOr32X;
            case OpCode.MovAnd32X: goto MovAnd32X; case OpCode.MovXor32X: goto MovXor32X; case OpCode.MovLsh32X: goto MovLsh32X;
            case OpCode.MovRsh32X: goto MovRsh32X; case OpCode.MovArsh32X: goto MovArsh32X; case OpCode.Jeq64K: goto Jeq64K;
            case OpCode.Jgt64K: goto Jgt64K; case OpCode.Jge64K: goto Jge64K; case OpCode.Jset64K: goto Jset64K;
            case OpCode.Jne64K: goto Jne64K; case OpCode.Jsgt64K: goto Jsgt64K; case OpCode.Jsge64K: goto Jsge64K;
            case OpCode.Jlt64K: goto Jlt64K; case OpCode.Jle64K: goto Jle64K; case OpCode.Jslt64K: goto Jslt64K;
            case OpCode.Jsle64K: goto Jsle64K; case OpCode.Jeq64X: goto Jeq64X; case OpCode.Jgt64X: goto Jgt64X;
            case OpCode.Jge64X: goto Jge64X; case OpCode.Jset64X: goto Jset64X; case OpCode.Jne64X: goto Jne64X;
            case OpCode.Jsgt64X: goto Jsgt64X; case OpCode.Jsge64X: goto Jsge64X; case OpCode.Jlt64X: goto Jlt64X;
            case OpCode.Jle64X: goto Jle64X; case OpCode.Jslt64X: goto Jslt64X; case OpCode.Jsle64X: goto Jsle64X;
            case OpCode.Jeq32K: goto Jeq32K; case OpCode.Jgt32K: goto Jgt32K; case OpCode.Jge32K: goto Jge32K;
            case OpCode.Jset32K: goto Jset32K; case OpCode.Jne32K: goto Jne32K; case OpCode.Jsgt32K: goto Jsgt32K;
            case OpCode.Jsge32K: goto Jsge32K; case OpCode.Jlt32K: goto Jlt32K; case OpCode.Jle32K: goto Jle32K;
            case OpCode.Jslt32K: goto Jslt32K; case OpCode.Jsle32K: goto Jsle32K; case OpCode.Jeq32X: goto Jeq32X;
            case OpCode.Jgt32X: goto Jgt32X; case OpCode.Jge32X: goto Jge32X; case OpCode.Jset32X: goto Jset32X;
            case OpCode.Jne32X: goto Jne32X; case OpCode.Jsgt32X: goto Jsgt32X; case OpCode.Jsge32X: goto Jsge32X;
            case OpCode.Jlt32X: goto Jlt32X; case OpCode.Jle32X: goto Jle32X; case OpCode.Jslt32X: goto Jslt32X;
            case OpCode.Jsle32X: goto Jsle32X; case OpCode.Jeq64KJa: goto Jeq64KJa; case OpCode.Jgt64KJa: goto Jgt64KJa;
            case OpCode.Jge64KJa: goto Jge64KJa; case OpCode.Jset64KJa: goto Jset64KJa; case OpCode.Jne64KJa: goto Jne64KJa;
            case OpCode.Jsgt64KJa: goto Jsgt64KJa; case OpCode.Jsge64KJa: goto Jsge64KJa; case OpCode.Jlt64KJa: goto Jlt64KJa;
            case OpCode.Jle64KJa: goto Jle64KJa; case OpCode.Jslt64KJa: goto Jslt64KJa; case OpCode.Jsle64KJa: goto Jsle64KJa;
            case OpCode.Jeq64XJa: goto Jeq64XJa; case OpCode.Jgt64XJa: goto Jgt64XJa; case OpCode.Jge64XJa: goto Jge64XJa;
            case OpCode.Jset64XJa: goto Jset64XJa; case OpCode.Jne64XJa: goto Jne64XJa; case OpCode.Jsgt64XJa: goto Jsgt64XJa;
            case OpCode.Jsge64XJa: goto Jsge64XJa; case OpCode.Jlt64XJa: goto Jlt64XJa; case OpCode.Jle64XJa: goto Jle64XJa;
            case OpCode.Jslt64XJa: goto Jslt64XJa; case OpCode.Jsle64XJa: goto Jsle64XJa; case OpCode.Jeq32KJa: goto Jeq32KJa;
            case OpCode.Jgt32KJa: goto Jgt32KJa; case OpCode.Jge32KJa: goto Jge32KJa; case OpCode.Jset32KJa: goto Jset32KJa;
            case OpCode.Jne32KJa: goto Jne32KJa; case OpCode.Jsgt32KJa: goto Jsgt32KJa; case OpCode.Jsge32KJa: goto Jsge32KJa;
            case OpCode.Jlt32KJa: goto Jlt32KJa; case OpCode.Jle32KJa: goto Jle32KJa; case OpCode.Jslt32KJa: goto Jslt32KJa;
            case OpCode.Jsle32KJa: goto Jsle32KJa; case OpCode.Jeq32XJa: goto Jeq32XJa; case OpCode.Jgt32XJa: goto Jgt32XJa;
            case OpCode.Jge32XJa: goto Jge32XJa; case OpCode.Jset32XJa: goto Jset32XJa; case OpCode.Jne32XJa: goto Jne32XJa;
            case OpCode.Jsgt32XJa: goto Jsgt32XJa; case OpCode.Jsge32XJa: goto Jsge32XJa; case OpCode.Jlt32XJa: goto Jlt32XJa;
            case OpCode.Jle32XJa: goto Jle32XJa; case OpCode.Jslt32XJa: goto Jslt32XJa; case OpCode.Jsle32XJa: goto Jsle32XJa;
            case OpCode.Neg64: goto Neg64; case OpCode.Neg32: goto Neg32; case OpCode.Movsx64B: goto Movsx64B;
            case OpCode.Movsx64H: goto Movsx64H; case OpCode.Movsx64W: goto Movsx64W; case OpCode.Movsx32B: goto Movsx32B;
            case OpCode.Movsx32H: goto Movsx32H; case OpCode.Le16: goto Le16; case OpCode.Le32: goto Le32;
            case OpCode.Le64: goto Le64; case OpCode.Be16: goto Be16; case OpCode.Be32: goto Be32;
            case OpCode.Be64: goto Be64; case OpCode.LdDw: goto LdDw; case OpCode.Ja: goto Ja;
            case OpCode.MayGoto: goto MayGoto; case OpCode.LdxB: goto LdxB; case OpCode.LdxH: goto LdxH;
            case OpCode.LdxW: goto LdxW; case OpCode.LdxDW: goto LdxDW; case OpCode.LdxsB: goto LdxsB;
            case OpCode.LdxsH: goto LdxsH; case OpCode.LdxsW: goto LdxsW; case OpCode.StB: goto StB;
            case OpCode.StH: goto StH; case OpCode.StW: goto StW; case OpCode.StDW: goto StDW;
            case OpCode.StxB: goto StxB; case OpCode.StxH: goto StxH; case OpCode.StxW: goto StxW;
            case OpCode.StxDW: goto StxDW; case OpCode.Exit: goto Exit; case OpCode.CallLocal: goto CallLocal;
            case OpCode.CallHelper: goto CallHelper; case OpCode.CallX: goto CallHelper; case OpCode.CallUnsupported: goto CallUnsupported;
            case OpCode.FellOff: goto FellOff; case OpCode.LdAbsB: goto PacketLoad; case OpCode.LdAbsH: goto PacketLoad;
            case OpCode.LdAbsW: goto PacketLoad; case OpCode.LdIndB: goto PacketLoad; case OpCode.LdIndH: goto PacketLoad;
            case OpCode.LdIndW: goto PacketLoad; case OpCode.AAdd32: goto Atomics; case OpCode.AOr32: goto Atomics;
            case OpCode.AAnd32: goto Atomics; case OpCode.AXor32: goto Atomics; case OpCode.AFAdd32: goto Atomics;
            case OpCode.AFOr32: goto Atomics; case OpCode.AFAnd32: goto Atomics; case OpCode.AFXor32: goto Atomics;
            case OpCode.AXchg32: goto Atomics; case OpCode.ACmpXchg32: goto Atomics; case OpCode.AAdd64: goto Atomics;
            case OpCode.AOr64: goto Atomics; case OpCode.AAnd64: goto Atomics; case OpCode.AXor64: goto Atomics;
            case OpCode.AFAdd64: goto Atomics; case OpCode.AFOr64: goto Atomics; case OpCode.AFAnd64: goto Atomics;
            case OpCode.AFXor64: goto Atomics; case OpCode.AXchg64: goto Atomics; case OpCode.ACmpXchg64: goto Atomics;
            case OpCode.LdAcqB: goto Atomics; case OpCode.LdAcqH: goto Atomics; case OpCode.LdAcqW: goto Atomics;
            case OpCode.LdAcqDW: goto Atomics; case OpCode.StRelB: goto Atomics; case OpCode.StRelH: goto Atomics;
            case OpCode.StRelW: goto Atomics; case OpCode.StRelDW: goto Atomics;
            default: goto Invalid;
        }


        // ---- ALU64, immediate (pre-widened; shift counts pre-masked) ----
    Add64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) += (ulong)o.Imm; } goto D0;
    Sub64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) -= (ulong)o.Imm; } goto D1;
    Mul64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) *= (ulong)o.Imm; } goto D2;
    Div64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = (ulong)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = b == 0 ? 0 : d / b; } } goto D3;
    Or64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) |= (ulong)o.Imm; } goto D4;
    And64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) &= (ulong)o.Imm; } goto D5;
    Lsh64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) <<= (int)(ulong)o.Imm; } goto D6;
    Rsh64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) >>= (int)(ulong)o.Imm; } goto D7;
    Mod64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = (ulong)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); if (b != 0) d %= b; } } goto D0;
    Xor64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) ^= (ulong)o.Imm; } goto D1;
    Mov64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) = (ulong)o.Imm; } goto D2;
    Arsh64K:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = (ulong)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (ulong)((long)d >> (int)b); } }
        goto D3;
    SDiv64K:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = (ulong)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (ulong)SDiv64((long)d, (long)b); } }
        goto D4;
    SMod64K:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = (ulong)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (ulong)SMod64((long)d, (long)b); } }
        goto D5;

        // ---- ALU64, register ----
    Add64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) += Unsafe.Add(ref r, o.Src); } goto D6;
    Sub64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) -= Unsafe.Add(ref r, o.Src); } goto D7;
    Mul64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) *= Unsafe.Add(ref r, o.Src); } goto D0;
    Div64X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = b == 0 ? 0 : d / b; } }
        goto D1;
    Or64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) |= Unsafe.Add(ref r, o.Src); } goto D2;
    And64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) &= Unsafe.Add(ref r, o.Src); } goto D3;
    Lsh64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) <<= (int)(Unsafe.Add(ref r, o.Src) & 63); } goto D4;
    Rsh64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) >>= (int)(Unsafe.Add(ref r, o.Src) & 63); } goto D5;
    Mod64X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); if (b != 0) d %= b; } }
        goto D6;
    Xor64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) ^= Unsafe.Add(ref r, o.Src); } goto D7;
    Mov64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src); } goto D0;
    Arsh64X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = Unsafe.Add(ref r, o.Src) & 63; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (ulong)((long)d >> (int)b); } }
        goto D1;
    SDiv64X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (ulong)SDiv64((long)d, (long)b); } }
        goto D2;
    SMod64X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ulong b = Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (ulong)SMod64((long)d, (long)b); } }
        goto D3;

        // ---- ALU32, immediate (pre-widened; shift counts pre-masked); results are zero-extended ----
    Add32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d + (uint)o.Imm; } } goto D4;
    Sub32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d - (uint)o.Imm; } } goto D5;
    Mul32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d * (uint)o.Imm; } } goto D6;
    Div32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = b == 0 ? 0 : (uint)d / b; } } goto D7;
    Or32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d | (uint)o.Imm; } } goto D0;
    And32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d & (uint)o.Imm; } } goto D1;
    Lsh32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d << (int)(uint)o.Imm; } } goto D2;
    Rsh32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d >> (int)(uint)o.Imm; } } goto D3;
    Mod32K:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = b == 0 ? (uint)d : (uint)d % b; } }
        goto D4;
    Xor32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d ^ (uint)o.Imm; } } goto D5;
    Mov32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) = (uint)o.Imm; } goto D6;
    Arsh32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)((int)d >> (int)b); } } goto D7;
    SDiv32K:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)SDiv32((int)d, (int)b); } }
        goto D0;
    SMod32K:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)o.Imm; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)SMod32((int)d, (int)b); } }
        goto D1;

        // ---- ALU32, register; results are zero-extended ----
    Add32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d + (uint)Unsafe.Add(ref r, o.Src); } } goto D2;
    Sub32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d - (uint)Unsafe.Add(ref r, o.Src); } } goto D3;
    Mul32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d * (uint)Unsafe.Add(ref r, o.Src); } } goto D4;
    Div32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = b == 0 ? 0 : (uint)d / b; } }
        goto D5;
    Or32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d | (uint)Unsafe.Add(ref r, o.Src); } } goto D6;
    And32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d & (uint)Unsafe.Add(ref r, o.Src); } } goto D7;
    Lsh32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d << (int)((uint)Unsafe.Add(ref r, o.Src) & 31); } }
        goto D0;
    Rsh32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d >> (int)((uint)Unsafe.Add(ref r, o.Src) & 31); } }
        goto D1;
    Mod32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = b == 0 ? (uint)d : (uint)d % b; } }
        goto D2;
    Xor32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)d ^ (uint)Unsafe.Add(ref r, o.Src); } } goto D3;
    Mov32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src); } goto D4;
    Arsh32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)Unsafe.Add(ref r, o.Src) & 31; ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)((int)d >> (int)b); } }
        goto D5;
    SDiv32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)SDiv32((int)d, (int)b); } }
        goto D6;
    SMod32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); { uint b = (uint)Unsafe.Add(ref r, o.Src); ref ulong d = ref Unsafe.Add(ref r, o.Dst); d = (uint)SMod32((int)d, (int)b); } }
        goto D7;

        // ---- fused "rd = rs; rd op= imm" (ALU64): rd = rs op imm, two instructions ----
    MovAdd64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) + (ulong)o.Imm; } goto D0;
    MovSub64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) - (ulong)o.Imm; } goto D1;
    MovMul64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) * (ulong)o.Imm; } goto D2;
    MovOr64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) | (ulong)o.Imm; } goto D3;
    MovAnd64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) & (ulong)o.Imm; } goto D4;
    MovXor64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) ^ (ulong)o.Imm; } goto D5;
    MovLsh64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) << (int)(ulong)o.Imm; } goto D6;
    MovRsh64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) >> (int)(ulong)o.Imm; } goto D7;
    MovArsh64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (ulong)((long)Unsafe.Add(ref r, o.Src) >> (int)(ulong)o.Imm); } goto D0;

        // ---- fused "rd = rs; rd op= rx" (ALU64): rd = rs op rx, two instructions ----
    MovAdd64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) + Unsafe.Add(ref r, o.Src2); } goto D1;
    MovSub64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) - Unsafe.Add(ref r, o.Src2); } goto D2;
    MovMul64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) * Unsafe.Add(ref r, o.Src2); } goto D3;
    MovOr64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) | Unsafe.Add(ref r, o.Src2); } goto D4;
    MovAnd64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) & Unsafe.Add(ref r, o.Src2); } goto D5;
    MovXor64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) ^ Unsafe.Add(ref r, o.Src2); } goto D6;
    MovLsh64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) << (int)(Unsafe.Add(ref r, o.Src2) & 63); } goto D7;
    MovRsh64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = Unsafe.Add(ref r, o.Src) >> (int)(Unsafe.Add(ref r, o.Src2) & 63); } goto D0;
    MovArsh64X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (ulong)((long)Unsafe.Add(ref r, o.Src) >> (int)(Unsafe.Add(ref r, o.Src2) & 63)); }
        goto D1;

        // ---- fused "rd = rs; rd op= imm" (ALU32): rd = rs op imm, two instructions ----
    MovAdd32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) + (uint)o.Imm; } goto D2;
    MovSub32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) - (uint)o.Imm; } goto D3;
    MovMul32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) * (uint)o.Imm; } goto D4;
    MovOr32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) | (uint)o.Imm; } goto D5;
    MovAnd32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) & (uint)o.Imm; } goto D6;
    MovXor32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) ^ (uint)o.Imm; } goto D7;
    MovLsh32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) << (int)(uint)o.Imm; } goto D0;
    MovRsh32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) >> (int)(uint)o.Imm; } goto D1;
    MovArsh32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)((int)Unsafe.Add(ref r, o.Src) >> (int)(uint)o.Imm); } goto D2;

        // ---- fused "rd = rs; rd op= rx" (ALU32): rd = rs op rx, two instructions ----
    MovAdd32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) + (uint)Unsafe.Add(ref r, o.Src2); } goto D3;
    MovSub32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) - (uint)Unsafe.Add(ref r, o.Src2); } goto D4;
    MovMul32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) * (uint)Unsafe.Add(ref r, o.Src2); } goto D5;
    MovOr32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) | (uint)Unsafe.Add(ref r, o.Src2); } goto D6;
    MovAnd32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) & (uint)Unsafe.Add(ref r, o.Src2); } goto D7;
    MovXor32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) ^ (uint)Unsafe.Add(ref r, o.Src2); } goto D0;
    MovLsh32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) << (int)((uint)Unsafe.Add(ref r, o.Src2) & 31); }
        goto D1;
    MovRsh32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)Unsafe.Add(ref r, o.Src) >> (int)((uint)Unsafe.Add(ref r, o.Src2) & 31); }
        goto D2;
    MovArsh32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 2); Unsafe.Add(ref r, o.Dst) = (uint)((int)Unsafe.Add(ref r, o.Src) >> (int)((uint)Unsafe.Add(ref r, o.Src2) & 31)); }
        goto D3;

        // ---- conditional jumps: not taken, the next op; taken, Taken adjusts the count ----
    Jeq64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) == (ulong)o.Imm) { op = ref o; goto Taken; } } goto D4;
    Jgt64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) > (ulong)o.Imm) { op = ref o; goto Taken; } } goto D5;
    Jge64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) >= (ulong)o.Imm) { op = ref o; goto Taken; } } goto D6;
    Jset64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((Unsafe.Add(ref r, o.Dst) & (ulong)o.Imm) != 0) { op = ref o; goto Taken; } } goto D7;
    Jne64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) != (ulong)o.Imm) { op = ref o; goto Taken; } } goto D0;
    Jsgt64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) > (long)(ulong)o.Imm) { op = ref o; goto Taken; } } goto D1;
    Jsge64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) >= (long)(ulong)o.Imm) { op = ref o; goto Taken; } } goto D2;
    Jlt64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) < (ulong)o.Imm) { op = ref o; goto Taken; } } goto D3;
    Jle64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) <= (ulong)o.Imm) { op = ref o; goto Taken; } } goto D4;
    Jslt64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) < (long)(ulong)o.Imm) { op = ref o; goto Taken; } } goto D5;
    Jsle64K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) <= (long)(ulong)o.Imm) { op = ref o; goto Taken; } } goto D6;
    Jeq64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) == Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D7;
    Jgt64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) > Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D0;
    Jge64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) >= Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D1;
    Jset64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((Unsafe.Add(ref r, o.Dst) & Unsafe.Add(ref r, o.Src)) != 0) { op = ref o; goto Taken; } } goto D2;
    Jne64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) != Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D3;
    Jsgt64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) > (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D4;
    Jsge64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) >= (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D5;
    Jlt64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) < Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D6;
    Jle64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) <= Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D7;
    Jslt64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) < (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D0;
    Jsle64X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) <= (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D1;
    Jeq32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) == (uint)o.Imm) { op = ref o; goto Taken; } } goto D2;
    Jgt32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) > (uint)o.Imm) { op = ref o; goto Taken; } } goto D3;
    Jge32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) >= (uint)o.Imm) { op = ref o; goto Taken; } } goto D4;
    Jset32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (((uint)Unsafe.Add(ref r, o.Dst) & (uint)o.Imm) != 0) { op = ref o; goto Taken; } } goto D5;
    Jne32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) != (uint)o.Imm) { op = ref o; goto Taken; } } goto D6;
    Jsgt32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) > (int)(uint)o.Imm) { op = ref o; goto Taken; } } goto D7;
    Jsge32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) >= (int)(uint)o.Imm) { op = ref o; goto Taken; } } goto D0;
    Jlt32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) < (uint)o.Imm) { op = ref o; goto Taken; } } goto D1;
    Jle32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) <= (uint)o.Imm) { op = ref o; goto Taken; } } goto D2;
    Jslt32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) < (int)(uint)o.Imm) { op = ref o; goto Taken; } } goto D3;
    Jsle32K: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) <= (int)(uint)o.Imm) { op = ref o; goto Taken; } } goto D4;
    Jeq32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) == (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D5;
    Jgt32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) > (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D6;
    Jge32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) >= (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D7;
    Jset32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (((uint)Unsafe.Add(ref r, o.Dst) & (uint)Unsafe.Add(ref r, o.Src)) != 0) { op = ref o; goto Taken; } }
        goto D0;
    Jne32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) != (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D1;
    Jsgt32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) > (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } }
        goto D2;
    Jsge32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) >= (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } }
        goto D3;
    Jlt32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) < (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D4;
    Jle32X: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) <= (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } } goto D5;
    Jslt32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) < (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } }
        goto D6;
    Jsle32X:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) <= (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto Taken; } }
        goto D7;

        // ---- fused "if cond goto +1; goto L" (clang's loop latch): cond skips the ja, else the ja runs ----
    Jeq64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) == (ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jgt64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) > (ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jge64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) >= (ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jset64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((Unsafe.Add(ref r, o.Dst) & (ulong)o.Imm) != 0) { op = ref o; goto SkipJa; } } goto Taken;
    Jne64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) != (ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jsgt64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) > (long)(ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jsge64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) >= (long)(ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jlt64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) < (ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jle64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) <= (ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jslt64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) < (long)(ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jsle64KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) <= (long)(ulong)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jeq64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) == Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } } goto Taken;
    Jgt64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) > Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } } goto Taken;
    Jge64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) >= Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } } goto Taken;
    Jset64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((Unsafe.Add(ref r, o.Dst) & Unsafe.Add(ref r, o.Src)) != 0) { op = ref o; goto SkipJa; } } goto Taken;
    Jne64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) != Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } } goto Taken;
    Jsgt64XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) > (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jsge64XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) >= (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jlt64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) < Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } } goto Taken;
    Jle64XJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (Unsafe.Add(ref r, o.Dst) <= Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } } goto Taken;
    Jslt64XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) < (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jsle64XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((long)Unsafe.Add(ref r, o.Dst) <= (long)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jeq32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) == (uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jgt32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) > (uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jge32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) >= (uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jset32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (((uint)Unsafe.Add(ref r, o.Dst) & (uint)o.Imm) != 0) { op = ref o; goto SkipJa; } } goto Taken;
    Jne32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) != (uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jsgt32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) > (int)(uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jsge32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) >= (int)(uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jlt32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) < (uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jle32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) <= (uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jslt32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) < (int)(uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jsle32KJa: { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) <= (int)(uint)o.Imm) { op = ref o; goto SkipJa; } } goto Taken;
    Jeq32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) == (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jgt32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) > (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jge32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) >= (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jset32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if (((uint)Unsafe.Add(ref r, o.Dst) & (uint)Unsafe.Add(ref r, o.Src)) != 0) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jne32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) != (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jsgt32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) > (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jsge32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) >= (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jlt32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) < (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jle32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((uint)Unsafe.Add(ref r, o.Dst) <= (uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jslt32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) < (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Jsle32XJa:
        { ref Op o = ref op; op = ref Unsafe.Add(ref op, 1); if ((int)(uint)Unsafe.Add(ref r, o.Dst) <= (int)(uint)Unsafe.Add(ref r, o.Src)) { op = ref o; goto SkipJa; } }
        goto Taken;
    Neg64: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)(-(long)d); } op = ref Unsafe.Add(ref op, 1); goto D4;
    Neg32: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)(-(int)d); } op = ref Unsafe.Add(ref op, 1); goto D5;
    Movsx64B: Unsafe.Add(ref r, op.Dst) = (ulong)(long)(sbyte)Unsafe.Add(ref r, op.Src); op = ref Unsafe.Add(ref op, 1); goto D6;
    Movsx64H: Unsafe.Add(ref r, op.Dst) = (ulong)(long)(short)Unsafe.Add(ref r, op.Src); op = ref Unsafe.Add(ref op, 1); goto D7;
    Movsx64W: Unsafe.Add(ref r, op.Dst) = (ulong)(long)(int)Unsafe.Add(ref r, op.Src); op = ref Unsafe.Add(ref op, 1); goto D0;
    Movsx32B: Unsafe.Add(ref r, op.Dst) = (uint)(int)(sbyte)Unsafe.Add(ref r, op.Src); op = ref Unsafe.Add(ref op, 1); goto D1;
    Movsx32H:
        Unsafe.Add(ref r, op.Dst) = (uint)(int)(short)Unsafe.Add(ref r, op.Src); op = ref Unsafe.Add(ref op, 1); goto D2;

        // Byte order: eBPF is little-endian here, so "to le" truncates and "to be" swaps.
    Le16: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ushort)d; } op = ref Unsafe.Add(ref op, 1); goto D3;
    Le32: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d; } op = ref Unsafe.Add(ref op, 1); goto D4;
    Le64: op = ref Unsafe.Add(ref op, 1); goto D5;
    Be16: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = BinaryPrimitives.ReverseEndianness((ushort)d); } op = ref Unsafe.Add(ref op, 1); goto D6;
    Be32: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = BinaryPrimitives.ReverseEndianness((uint)d); } op = ref Unsafe.Add(ref op, 1); goto D7;
    Be64: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = BinaryPrimitives.ReverseEndianness(d); } op = ref Unsafe.Add(ref op, 1); goto D0;
    LdDw: Unsafe.Add(ref r, op.Dst) = (ulong)op.Imm; op = ref Unsafe.Add(ref op, 1); goto D1;
    Ja: goto Taken;
    MayGoto:
        // Linux: once the loop allowance is spent, may_goto jumps (to the loop's exit).
        if (st.MayGoto == 0)
            goto Taken;
        st.MayGoto--;
        op = ref Unsafe.Add(ref op, 1);
        goto D3;

        // ---- loads: the region table bounds every access ----
    LdxB:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 1 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = p;
            op = ref Unsafe.Add(ref op, 1);
            goto D4;
        }
    LdxH:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 2 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = Unsafe.ReadUnaligned<ushort>(ref p);
            op = ref Unsafe.Add(ref op, 1);
            goto D5;
        }
    LdxW:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 4 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = Unsafe.ReadUnaligned<uint>(ref p);
            op = ref Unsafe.Add(ref op, 1);
            goto D6;
        }
    LdxDW:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 8 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = Unsafe.ReadUnaligned<ulong>(ref p);
            op = ref Unsafe.Add(ref op, 1);
            goto D7;
        }
    LdxsB:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 1 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = (ulong)(long)(sbyte)p;
            op = ref Unsafe.Add(ref op, 1);
            goto D0;
        }
    LdxsH:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 2 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = (ulong)(long)Unsafe.ReadUnaligned<short>(ref p);
            op = ref Unsafe.Add(ref op, 1);
            goto D1;
        }
    LdxsW:
        {
            ulong a = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto LoadFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 4 > (uint)reg.Length)
                goto LoadFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.Add(ref r, op.Dst) = (ulong)(long)Unsafe.ReadUnaligned<int>(ref p);
            op = ref Unsafe.Add(ref op, 1);
            goto D2;
        }

        // ---- stores; ST's imm is sign-extended to 64 bits (RFC 9669, 5.1) ----
    StB:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 1 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            p = (byte)op.Imm;
            op = ref Unsafe.Add(ref op, 1);
            goto D3;
        }
    StH:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 2 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.WriteUnaligned(ref p, (ushort)op.Imm);
            op = ref Unsafe.Add(ref op, 1);
            goto D4;
        }
    StW:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 4 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.WriteUnaligned(ref p, (uint)op.Imm);
            op = ref Unsafe.Add(ref op, 1);
            goto D5;
        }
    StDW:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 8 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.WriteUnaligned(ref p, (ulong)op.Imm);
            op = ref Unsafe.Add(ref op, 1);
            goto D6;
        }
    StxB:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 1 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            p = (byte)Unsafe.Add(ref r, op.Src);
            op = ref Unsafe.Add(ref op, 1);
            goto D7;
        }
    StxH:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 2 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.WriteUnaligned(ref p, (ushort)Unsafe.Add(ref r, op.Src));
            op = ref Unsafe.Add(ref op, 1);
            goto D0;
        }
    StxW:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 4 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.WriteUnaligned(ref p, (uint)Unsafe.Add(ref r, op.Src));
            op = ref Unsafe.Add(ref op, 1);
            goto D1;
        }
    StxDW:
        {
            ulong a = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            if ((uint)(a >> 32) >= (uint)regions.Length)
                goto StoreFault;
            ref MemoryRegion reg = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)(uint)(a >> 32));
            if ((ulong)(uint)a + 8 > (uint)reg.Length || !reg.Writable)
                goto StoreFault;
            ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(reg.Data), (nint)((uint)reg.Start + (uint)a));
            Unsafe.WriteUnaligned(ref p, Unsafe.Add(ref r, op.Src));
            op = ref Unsafe.Add(ref op, 1);
            goto D2;
        }

        // ---- exit and calls ----
    Exit:
        {
            int pc = Index(ref st.Op0, ref op);
            if (st.Depth == 0)
            {
                st.Executed = acc + pc + 1;
                return r;
            }
            int back = Return(ref st, ref r);
            acc += pc + 1 - back;
            op = ref Unsafe.Add(ref st.Op0, back);
            goto D3;
        }
    CallLocal:
        {
            int pc = Index(ref st.Op0, ref op);
            if (st.Depth + 1 >= MemoryMap.MaxFrames)
            {
                st.Error = CallDepthError(st.SlotOf[pc]);
                goto Stop;
            }
            long total = acc + pc + 1;
            if (total > st.Budget)
            {
                st.Executed = total;
                goto Budget;
            }
            Call(ref st, ref r, pc + 1);
            int rel = op.Aux;
            acc += 1 - rel;
            op = ref Unsafe.Add(ref op, rel);
            goto D4;
        }
    CallHelper:
        if (!CallHelper(ref st, ref op, ref r))
            goto Stop;
        regions = st.Map.Regions; // a helper may have mapped new regions
        op = ref Unsafe.Add(ref op, 1);
        goto D5;
    CallUnsupported: st.Error = KfuncError(Pc(ref st, ref op), op.Imm); goto Stop;
    FellOff: st.Error = FellOffError(Pc(ref st, ref op)); goto Stop;

        // ---- legacy packet access: out of bounds ends the program with r0 = 0 (Linux) ----
    PacketLoad:
        if (!LoadPacket(ref st, regions, ref op, ref r))
        {
            st.Executed = acc + Index(ref st.Op0, ref op) + 1;
            return 0;
        }
        op = ref Unsafe.Add(ref op, 1);
        goto D0;

        // ---- atomics, load-acquire, store-release ----
    Atomics:
        if (!AtomicAccess(ref st, regions, ref op, ref r))
            goto Stop;
        op = ref Unsafe.Add(ref op, 1);
        goto D1;
    Invalid: st.Error = InternalError(Pc(ref st, ref op), op.Code); goto Stop;
    Taken:
        {
            // A taken jump: the budget is enforced on backward jumps (counting the jump).
            long rel = op.Aux;
            if (rel <= 0)
            {
                long total = acc + Index(ref st.Op0, ref op) + 1;
                if (total > st.Budget)
                {
                    st.Executed = total;
                    goto Budget;
                }
            }
            acc += 1 - rel;
            op = ref Unsafe.Add(ref op, (nint)rel);
            goto D3;
        }
    SkipJa:
        // The fused latch's condition held: its jump over the ja (+2, forward) is taken.
        acc -= 1;
        op = ref Unsafe.Add(ref op, 2);
        goto D4;

    LoadFault:
    StoreFault:
        st.Error = AccessFault(ref st, ref op, ref r);
        goto Stop;
    Budget:
        st.Error = BudgetError(Pc(ref st, ref op), st.Budget);
        return 0;
    Stop:
        // The faulting instruction is not counted.
        st.Executed = acc + Index(ref st.Op0, ref op);
        return 0;
    }
}
