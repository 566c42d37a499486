using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Runtime.Interpreter;

/// <summary>
/// A safe eBPF interpreter. Every memory access goes through the run's <see cref="MemoryMap"/>
/// and is checked against its region; a bad access, a spent budget or any other fault stops the
/// run with an error naming the pc, never touching host memory. Semantics are RFC 9669's
/// (division by zero, shift masking, 32-bit zero extension, signed overflow), with Linux's
/// extensions (may_goto, LD_ABS/LD_IND, load-acquire/store-release).
/// </summary>
public sealed class BpfInterpreter
{
    /// <summary>may_goto's loop allowance per run (kernel: BPF_MAX_LOOPS).</summary>
    public const int MayGotoBudget = 8 * 1024 * 1024;

    private readonly Op[] _ops;
    private readonly int[] _slotOf;
    private readonly BpfHelper[] _helpers;
    private readonly HelperRegistry _registry;

    private BpfInterpreter(Op[] ops, int[] slotOf, BpfHelper[] helpers, HelperRegistry registry)
    {
        _ops = ops;
        _slotOf = slotOf;
        _helpers = helpers;
        _registry = registry;
    }

    /// <summary>Instructions executed before a run is stopped (default 1e9).</summary>
    public long InstructionBudget { get; set; } = 1_000_000_000;

    /// <summary>Number of instructions (lddw counts once).</summary>
    public int InstructionCount => _ops.Length - 1;

    /// <summary>Validates and prepares a program; on failure the diagnostic names the pc.</summary>
    public static bool TryCreate(ReadOnlySpan<Instruction> program, HelperRegistry? helpers,
        out BpfInterpreter? interpreter, out Diagnostic? diagnostic)
    {
        helpers ??= new HelperRegistry();
        if (!Predecoder.TryPredecode(program, helpers, out var ops, out var slotOf, out var table, out diagnostic))
        {
            interpreter = null;
            return false;
        }
        interpreter = new BpfInterpreter(ops, slotOf, table, helpers);
        return true;
    }

    /// <summary>Validates and prepares a program; throws <see cref="BpfFormatException"/> when it is invalid.</summary>
    public static BpfInterpreter Create(ReadOnlySpan<Instruction> program, HelperRegistry? helpers = null) =>
        TryCreate(program, helpers, out var interpreter, out var diagnostic) ? interpreter! : throw new BpfFormatException(diagnostic!);

    /// <summary>
    /// Runs with the bpf_conformance calling convention: r1 = the memory buffer (a region of
    /// kind Packet, also what LD_ABS/LD_IND read) or 0 when there is none, r2 = its length.
    /// The buffer is used in place: stores change it. A reused <paramref name="map"/> keeps its
    /// stack contents between runs (as a real stack does); a new map starts zeroed.
    /// </summary>
    public ExecutionResult Run(byte[]? memory, MemoryMap? map = null)
    {
        map ??= new MemoryMap();
        map.Reset();
        ulong r1 = 0;
        int packet = 0;
        if (memory is not null)
        {
            r1 = map.Add(memory, MemoryRegionKind.Packet);
            packet = (int)(r1 >> 32);
        }
        return Run(map, r1, memory is null ? 0 : (ulong)memory.Length, packet);
    }

    /// <summary>
    /// Runs in a prepared address space with r1 and r2 as given; <paramref name="packetRegion"/>
    /// is the region LD_ABS/LD_IND read (0 for none). The map's stack is used as is.
    /// </summary>
    public ExecutionResult Run(MemoryMap map, ulong r1, ulong r2, int packetRegion = 0)
    {
        ArgumentNullException.ThrowIfNull(map);
        var state = new RunState { Map = map, PacketRegion = packetRegion };
        try
        {
            ulong r0 = Execute(ref state, r1, r2);
            if (state.Error is not null)
                return new ExecutionResult(0, state.Executed, state.Error);
            return new ExecutionResult(r0, state.Executed, null);
        }
        catch (BpfRuntimeException e)
        {
            return new ExecutionResult(0, state.Executed, e.Error);
        }
    }

    private struct RunState
    {
        public MemoryMap Map;
        public int PacketRegion;
        public long Executed;
        public BpfRuntimeError? Error;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Frame
    {
        public int ReturnIndex;
        public int BlockStart;
        public ulong R6, R7, R8, R9, R10;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte Access(MemoryRegion[] regions, ulong address, uint size, bool write)
    {
        uint index = (uint)(address >> 32);
        if (index < (uint)regions.Length)
        {
            ref MemoryRegion r = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)index);
            uint offset = (uint)address;
            if ((ulong)offset + size <= (uint)r.Length && (!write || r.Writable))
                return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(r.Data), (nint)((uint)r.Start + offset));
        }
        return ref Unsafe.NullRef<byte>();
    }

    // The dispatch loop. It has no try/catch (that would keep locals out of registers); faults
    // jump to the labels at the end, helpers report theirs by throwing, caught in Run.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong Execute(ref RunState st, ulong arg1, ulong arg2)
    {
        Op[] ops = _ops;
        ref Op op0 = ref MemoryMarshal.GetArrayDataReference(ops);
        MemoryRegion[] regions = st.Map.Regions;
        Span<ulong> regSpan = stackalloc ulong[11];
        regSpan.Clear();
        ref ulong r = ref MemoryMarshal.GetReference(regSpan);
        Span<Frame> frames = stackalloc Frame[MemoryMap.MaxFrames];
        int depth = 0;
        r = 0;
        Unsafe.Add(ref r, 1) = arg1;
        Unsafe.Add(ref r, 2) = arg2;
        Unsafe.Add(ref r, 10) = MemoryMap.StackTop;
        long budget = InstructionBudget;
        long executed = 0;
        int mayGoto = MayGotoBudget;
        int pc = 0;
        int blockStart = 0;
        ulong faultAddress = 0;
        uint faultSize = 0;
        bool faultWrite = false;

        while (true)
        {
            ref Op op = ref Unsafe.Add(ref op0, pc);
            switch (op.Code)
            {
                // ---- ALU64, immediate (pre-widened) ----
                case OpCode.Add64K: Unsafe.Add(ref r, op.Dst) += (ulong)op.Imm; pc++; continue;
                case OpCode.Sub64K: Unsafe.Add(ref r, op.Dst) -= (ulong)op.Imm; pc++; continue;
                case OpCode.Mul64K: Unsafe.Add(ref r, op.Dst) *= (ulong)op.Imm; pc++; continue;
                case OpCode.Div64K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = op.Imm == 0 ? 0 : d / (ulong)op.Imm; pc++; continue; }
                case OpCode.Or64K: Unsafe.Add(ref r, op.Dst) |= (ulong)op.Imm; pc++; continue;
                case OpCode.And64K: Unsafe.Add(ref r, op.Dst) &= (ulong)op.Imm; pc++; continue;
                case OpCode.Lsh64K: Unsafe.Add(ref r, op.Dst) <<= (int)op.Imm; pc++; continue;
                case OpCode.Rsh64K: Unsafe.Add(ref r, op.Dst) >>= (int)op.Imm; pc++; continue;
                case OpCode.Mod64K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); if (op.Imm != 0) d %= (ulong)op.Imm; pc++; continue; }
                case OpCode.Xor64K: Unsafe.Add(ref r, op.Dst) ^= (ulong)op.Imm; pc++; continue;
                case OpCode.Mov64K: Unsafe.Add(ref r, op.Dst) = (ulong)op.Imm; pc++; continue;
                case OpCode.Arsh64K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)((long)d >> (int)op.Imm); pc++; continue; }
                case OpCode.SDiv64K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)SDiv64((long)d, op.Imm); pc++; continue; }
                case OpCode.SMod64K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)SMod64((long)d, op.Imm); pc++; continue; }

                // ---- ALU64, register ----
                case OpCode.Add64X: Unsafe.Add(ref r, op.Dst) += Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Sub64X: Unsafe.Add(ref r, op.Dst) -= Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Mul64X: Unsafe.Add(ref r, op.Dst) *= Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Div64X: { ulong s = Unsafe.Add(ref r, op.Src); ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = s == 0 ? 0 : d / s; pc++; continue; }
                case OpCode.Or64X: Unsafe.Add(ref r, op.Dst) |= Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.And64X: Unsafe.Add(ref r, op.Dst) &= Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Lsh64X: Unsafe.Add(ref r, op.Dst) <<= (int)(Unsafe.Add(ref r, op.Src) & 63); pc++; continue;
                case OpCode.Rsh64X: Unsafe.Add(ref r, op.Dst) >>= (int)(Unsafe.Add(ref r, op.Src) & 63); pc++; continue;
                case OpCode.Mod64X: { ulong s = Unsafe.Add(ref r, op.Src); ref ulong d = ref Unsafe.Add(ref r, op.Dst); if (s != 0) d %= s; pc++; continue; }
                case OpCode.Xor64X: Unsafe.Add(ref r, op.Dst) ^= Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Mov64X: Unsafe.Add(ref r, op.Dst) = Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Arsh64X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)((long)d >> (int)(Unsafe.Add(ref r, op.Src) & 63)); pc++; continue; }
                case OpCode.SDiv64X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)SDiv64((long)d, (long)Unsafe.Add(ref r, op.Src)); pc++; continue; }
                case OpCode.SMod64X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)SMod64((long)d, (long)Unsafe.Add(ref r, op.Src)); pc++; continue; }

                // ---- ALU32, immediate: results are zero-extended ----
                case OpCode.Add32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d + (uint)op.Imm; pc++; continue; }
                case OpCode.Sub32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d - (uint)op.Imm; pc++; continue; }
                case OpCode.Mul32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d * (uint)op.Imm; pc++; continue; }
                case OpCode.Div32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)op.Imm == 0 ? 0 : (uint)d / (uint)op.Imm; pc++; continue; }
                case OpCode.Or32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d | (uint)op.Imm; pc++; continue; }
                case OpCode.And32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d & (uint)op.Imm; pc++; continue; }
                case OpCode.Lsh32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d << (int)op.Imm; pc++; continue; }
                case OpCode.Rsh32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d >> (int)op.Imm; pc++; continue; }
                case OpCode.Mod32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)op.Imm == 0 ? (uint)d : (uint)d % (uint)op.Imm; pc++; continue; }
                case OpCode.Xor32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d ^ (uint)op.Imm; pc++; continue; }
                case OpCode.Mov32K: Unsafe.Add(ref r, op.Dst) = (uint)op.Imm; pc++; continue;
                case OpCode.Arsh32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)((int)d >> (int)op.Imm); pc++; continue; }
                case OpCode.SDiv32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)SDiv32((int)d, (int)op.Imm); pc++; continue; }
                case OpCode.SMod32K: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)SMod32((int)d, (int)op.Imm); pc++; continue; }

                // ---- ALU32, register ----
                case OpCode.Add32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d + (uint)Unsafe.Add(ref r, op.Src); pc++; continue; }
                case OpCode.Sub32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d - (uint)Unsafe.Add(ref r, op.Src); pc++; continue; }
                case OpCode.Mul32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d * (uint)Unsafe.Add(ref r, op.Src); pc++; continue; }
                case OpCode.Div32X: { uint s = (uint)Unsafe.Add(ref r, op.Src); ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = s == 0 ? 0 : (uint)d / s; pc++; continue; }
                case OpCode.Or32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d | (uint)Unsafe.Add(ref r, op.Src); pc++; continue; }
                case OpCode.And32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d & (uint)Unsafe.Add(ref r, op.Src); pc++; continue; }
                case OpCode.Lsh32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d << (int)(Unsafe.Add(ref r, op.Src) & 31); pc++; continue; }
                case OpCode.Rsh32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d >> (int)(Unsafe.Add(ref r, op.Src) & 31); pc++; continue; }
                case OpCode.Mod32X: { uint s = (uint)Unsafe.Add(ref r, op.Src); ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = s == 0 ? (uint)d : (uint)d % s; pc++; continue; }
                case OpCode.Xor32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d ^ (uint)Unsafe.Add(ref r, op.Src); pc++; continue; }
                case OpCode.Mov32X: Unsafe.Add(ref r, op.Dst) = (uint)Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Arsh32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)((int)d >> (int)(Unsafe.Add(ref r, op.Src) & 31)); pc++; continue; }
                case OpCode.SDiv32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)SDiv32((int)d, (int)Unsafe.Add(ref r, op.Src)); pc++; continue; }
                case OpCode.SMod32X: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)SMod32((int)d, (int)Unsafe.Add(ref r, op.Src)); pc++; continue; }

                case OpCode.Neg64: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ulong)(-(long)d); pc++; continue; }
                case OpCode.Neg32: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)(-(int)d); pc++; continue; }
                case OpCode.Movsx64B: Unsafe.Add(ref r, op.Dst) = (ulong)(long)(sbyte)Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Movsx64H: Unsafe.Add(ref r, op.Dst) = (ulong)(long)(short)Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Movsx64W: Unsafe.Add(ref r, op.Dst) = (ulong)(long)(int)Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Movsx32B: Unsafe.Add(ref r, op.Dst) = (uint)(int)(sbyte)Unsafe.Add(ref r, op.Src); pc++; continue;
                case OpCode.Movsx32H: Unsafe.Add(ref r, op.Dst) = (uint)(int)(short)Unsafe.Add(ref r, op.Src); pc++; continue;

                // Byte order: eBPF is little-endian here, so "to le" truncates and "to be" swaps.
                case OpCode.Le16: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (ushort)d; pc++; continue; }
                case OpCode.Le32: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = (uint)d; pc++; continue; }
                case OpCode.Le64: pc++; continue;
                case OpCode.Be16: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = BinaryPrimitives.ReverseEndianness((ushort)d); pc++; continue; }
                case OpCode.Be32: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = BinaryPrimitives.ReverseEndianness((uint)d); pc++; continue; }
                case OpCode.Be64: { ref ulong d = ref Unsafe.Add(ref r, op.Dst); d = BinaryPrimitives.ReverseEndianness(d); pc++; continue; }

                // ---- jumps: a taken jump closes the straight-line run [blockStart, pc] ----
                case OpCode.Ja:
                    goto Taken;
                case OpCode.Jeq64K: if (Unsafe.Add(ref r, op.Dst) == (ulong)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jgt64K: if (Unsafe.Add(ref r, op.Dst) > (ulong)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jge64K: if (Unsafe.Add(ref r, op.Dst) >= (ulong)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jset64K: if ((Unsafe.Add(ref r, op.Dst) & (ulong)op.Imm) != 0) goto Taken; pc++; continue;
                case OpCode.Jne64K: if (Unsafe.Add(ref r, op.Dst) != (ulong)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jsgt64K: if ((long)Unsafe.Add(ref r, op.Dst) > op.Imm) goto Taken; pc++; continue;
                case OpCode.Jsge64K: if ((long)Unsafe.Add(ref r, op.Dst) >= op.Imm) goto Taken; pc++; continue;
                case OpCode.Jlt64K: if (Unsafe.Add(ref r, op.Dst) < (ulong)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jle64K: if (Unsafe.Add(ref r, op.Dst) <= (ulong)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jslt64K: if ((long)Unsafe.Add(ref r, op.Dst) < op.Imm) goto Taken; pc++; continue;
                case OpCode.Jsle64K: if ((long)Unsafe.Add(ref r, op.Dst) <= op.Imm) goto Taken; pc++; continue;
                case OpCode.Jeq64X: if (Unsafe.Add(ref r, op.Dst) == Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jgt64X: if (Unsafe.Add(ref r, op.Dst) > Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jge64X: if (Unsafe.Add(ref r, op.Dst) >= Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jset64X: if ((Unsafe.Add(ref r, op.Dst) & Unsafe.Add(ref r, op.Src)) != 0) goto Taken; pc++; continue;
                case OpCode.Jne64X: if (Unsafe.Add(ref r, op.Dst) != Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jsgt64X: if ((long)Unsafe.Add(ref r, op.Dst) > (long)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jsge64X: if ((long)Unsafe.Add(ref r, op.Dst) >= (long)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jlt64X: if (Unsafe.Add(ref r, op.Dst) < Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jle64X: if (Unsafe.Add(ref r, op.Dst) <= Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jslt64X: if ((long)Unsafe.Add(ref r, op.Dst) < (long)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jsle64X: if ((long)Unsafe.Add(ref r, op.Dst) <= (long)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jeq32K: if ((uint)Unsafe.Add(ref r, op.Dst) == (uint)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jgt32K: if ((uint)Unsafe.Add(ref r, op.Dst) > (uint)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jge32K: if ((uint)Unsafe.Add(ref r, op.Dst) >= (uint)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jset32K: if (((uint)Unsafe.Add(ref r, op.Dst) & (uint)op.Imm) != 0) goto Taken; pc++; continue;
                case OpCode.Jne32K: if ((uint)Unsafe.Add(ref r, op.Dst) != (uint)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jsgt32K: if ((int)Unsafe.Add(ref r, op.Dst) > (int)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jsge32K: if ((int)Unsafe.Add(ref r, op.Dst) >= (int)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jlt32K: if ((uint)Unsafe.Add(ref r, op.Dst) < (uint)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jle32K: if ((uint)Unsafe.Add(ref r, op.Dst) <= (uint)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jslt32K: if ((int)Unsafe.Add(ref r, op.Dst) < (int)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jsle32K: if ((int)Unsafe.Add(ref r, op.Dst) <= (int)op.Imm) goto Taken; pc++; continue;
                case OpCode.Jeq32X: if ((uint)Unsafe.Add(ref r, op.Dst) == (uint)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jgt32X: if ((uint)Unsafe.Add(ref r, op.Dst) > (uint)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jge32X: if ((uint)Unsafe.Add(ref r, op.Dst) >= (uint)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jset32X: if (((uint)Unsafe.Add(ref r, op.Dst) & (uint)Unsafe.Add(ref r, op.Src)) != 0) goto Taken; pc++; continue;
                case OpCode.Jne32X: if ((uint)Unsafe.Add(ref r, op.Dst) != (uint)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jsgt32X: if ((int)Unsafe.Add(ref r, op.Dst) > (int)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jsge32X: if ((int)Unsafe.Add(ref r, op.Dst) >= (int)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jlt32X: if ((uint)Unsafe.Add(ref r, op.Dst) < (uint)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jle32X: if ((uint)Unsafe.Add(ref r, op.Dst) <= (uint)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jslt32X: if ((int)Unsafe.Add(ref r, op.Dst) < (int)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;
                case OpCode.Jsle32X: if ((int)Unsafe.Add(ref r, op.Dst) <= (int)Unsafe.Add(ref r, op.Src)) goto Taken; pc++; continue;

                case OpCode.MayGoto:
                    // Linux: once the loop allowance is spent, may_goto jumps (to the loop's exit).
                    if (mayGoto == 0)
                        goto Taken;
                    mayGoto--;
                    pc++;
                    continue;

                // ---- calls and exit ----
                case OpCode.CallHelper:
                {
                    st.Map.HelperContext.Pc = _slotOf[pc];
                    Unsafe.Add(ref r, 0) = _helpers[op.Aux](st.Map.HelperContext, Unsafe.Add(ref r, 1), Unsafe.Add(ref r, 2),
                        Unsafe.Add(ref r, 3), Unsafe.Add(ref r, 4), Unsafe.Add(ref r, 5));
                    regions = st.Map.Regions; // a helper may have mapped new regions
                    pc++;
                    continue;
                }
                case OpCode.CallX:
                {
                    ulong id = Unsafe.Add(ref r, op.Dst);
                    if (id > int.MaxValue || !_registry.TryGet((int)id, out var helper))
                    {
                        st.Error = new BpfRuntimeError(RuntimeErrorKind.UnknownHelper, _slotOf[pc], $"callx to unknown helper {id}");
                        goto Stop;
                    }
                    st.Map.HelperContext.Pc = _slotOf[pc];
                    Unsafe.Add(ref r, 0) = helper(st.Map.HelperContext, Unsafe.Add(ref r, 1), Unsafe.Add(ref r, 2),
                        Unsafe.Add(ref r, 3), Unsafe.Add(ref r, 4), Unsafe.Add(ref r, 5));
                    regions = st.Map.Regions;
                    pc++;
                    continue;
                }
                case OpCode.CallLocal:
                {
                    if (depth + 1 >= MemoryMap.MaxFrames)
                    {
                        st.Error = new BpfRuntimeError(RuntimeErrorKind.CallDepthExceeded, _slotOf[pc],
                            $"bpf-to-bpf calls nested deeper than {MemoryMap.MaxFrames} frames");
                        goto Stop;
                    }
                    executed += pc - blockStart + 1;
                    if (executed > budget)
                        goto Budget;
                    ref Frame f = ref frames[depth++];
                    f.ReturnIndex = pc + 1;
                    f.R6 = Unsafe.Add(ref r, 6);
                    f.R7 = Unsafe.Add(ref r, 7);
                    f.R8 = Unsafe.Add(ref r, 8);
                    f.R9 = Unsafe.Add(ref r, 9);
                    f.R10 = Unsafe.Add(ref r, 10);
                    Unsafe.Add(ref r, 10) -= MemoryMap.StackPerFrame;
                    pc = op.Aux;
                    blockStart = pc;
                    continue;
                }
                case OpCode.Exit:
                {
                    executed += pc - blockStart + 1;
                    if (depth == 0)
                    {
                        st.Executed = executed;
                        return Unsafe.Add(ref r, 0);
                    }
                    ref Frame f = ref frames[--depth];
                    Unsafe.Add(ref r, 6) = f.R6;
                    Unsafe.Add(ref r, 7) = f.R7;
                    Unsafe.Add(ref r, 8) = f.R8;
                    Unsafe.Add(ref r, 9) = f.R9;
                    Unsafe.Add(ref r, 10) = f.R10;
                    pc = f.ReturnIndex;
                    blockStart = pc;
                    continue;
                }
                case OpCode.CallUnsupported:
                    st.Error = new BpfRuntimeError(RuntimeErrorKind.Unsupported, _slotOf[pc],
                        $"kfunc call (btf id {op.Imm}) needs the kernel; the interpreter has no kernel functions");
                    goto Stop;
                case OpCode.FellOff:
                    st.Error = new BpfRuntimeError(RuntimeErrorKind.FellOffEnd, _slotOf[pc], "program ran past its last instruction without exit");
                    executed += pc - blockStart;
                    st.Executed = executed;
                    return 0;

                case OpCode.LdDw: Unsafe.Add(ref r, op.Dst) = (ulong)op.Imm; pc++; continue;

                // ---- legacy packet access: out of bounds ends the program with r0 = 0 (Linux) ----
                case OpCode.LdAbsB:
                case OpCode.LdAbsH:
                case OpCode.LdAbsW:
                case OpCode.LdIndB:
                case OpCode.LdIndH:
                case OpCode.LdIndW:
                {
                    int size = op.Code is OpCode.LdAbsB or OpCode.LdIndB ? 1 : op.Code is OpCode.LdAbsH or OpCode.LdIndH ? 2 : 4;
                    long off = op.Imm;
                    if (op.Code >= OpCode.LdIndB)
                        off += (long)(uint)Unsafe.Add(ref r, op.Src);
                    ref byte p = ref Unsafe.NullRef<byte>();
                    if (st.PacketRegion != 0 && off >= 0 && off <= uint.MaxValue)
                        p = ref Access(regions, MemoryMap.AddressOf(st.PacketRegion, (uint)off), (uint)size, false);
                    if (Unsafe.IsNullRef(ref p))
                    {
                        executed += pc - blockStart + 1;
                        st.Executed = executed;
                        return 0;
                    }
                    Unsafe.Add(ref r, 0) = size == 1 ? p
                        : size == 2 ? BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref p))
                        : BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref p));
                    pc++;
                    continue;
                }

                // ---- loads ----
                case OpCode.LdxB:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 1, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 1; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = p;
                    pc++;
                    continue;
                }
                case OpCode.LdxH:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 2, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 2; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = Unsafe.ReadUnaligned<ushort>(ref p);
                    pc++;
                    continue;
                }
                case OpCode.LdxW:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 4, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 4; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = Unsafe.ReadUnaligned<uint>(ref p);
                    pc++;
                    continue;
                }
                case OpCode.LdxDW:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 8, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 8; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = Unsafe.ReadUnaligned<ulong>(ref p);
                    pc++;
                    continue;
                }
                case OpCode.LdxsB:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 1, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 1; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = (ulong)(long)(sbyte)p;
                    pc++;
                    continue;
                }
                case OpCode.LdxsH:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 2, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 2; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = (ulong)(long)Unsafe.ReadUnaligned<short>(ref p);
                    pc++;
                    continue;
                }
                case OpCode.LdxsW:
                {
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 4, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 4; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = (ulong)(long)Unsafe.ReadUnaligned<int>(ref p);
                    pc++;
                    continue;
                }

                // ---- stores ----
                case OpCode.StB:
                case OpCode.StxB:
                {
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 1, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 1; faultWrite = true; goto MemFault; }
                    p = (byte)(op.Code == OpCode.StB ? (ulong)op.Imm : Unsafe.Add(ref r, op.Src));
                    pc++;
                    continue;
                }
                case OpCode.StH:
                case OpCode.StxH:
                {
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 2, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 2; faultWrite = true; goto MemFault; }
                    Unsafe.WriteUnaligned(ref p, (ushort)(op.Code == OpCode.StH ? (ulong)op.Imm : Unsafe.Add(ref r, op.Src)));
                    pc++;
                    continue;
                }
                case OpCode.StW:
                case OpCode.StxW:
                {
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 4, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 4; faultWrite = true; goto MemFault; }
                    Unsafe.WriteUnaligned(ref p, (uint)(op.Code == OpCode.StW ? (ulong)op.Imm : Unsafe.Add(ref r, op.Src)));
                    pc++;
                    continue;
                }
                case OpCode.StDW:
                case OpCode.StxDW:
                {
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 8, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 8; faultWrite = true; goto MemFault; }
                    // ST's imm is sign-extended to 64 bits (RFC 9669, 5.1).
                    Unsafe.WriteUnaligned(ref p, op.Code == OpCode.StDW ? (ulong)op.Imm : Unsafe.Add(ref r, op.Src));
                    pc++;
                    continue;
                }

                // ---- atomics ----
                case >= OpCode.AAdd32 and <= OpCode.ACmpXchg32:
                {
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 4, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 4; faultWrite = true; goto MemFault; }
                    if (IsMisaligned(ref p, 3)) { faultSize = 4; goto Misaligned; }
                    Atomic32(op.Code, ref Unsafe.As<byte, int>(ref p), ref r, op.Src);
                    pc++;
                    continue;
                }
                case >= OpCode.AAdd64 and <= OpCode.ACmpXchg64:
                {
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, 8, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = 8; faultWrite = true; goto MemFault; }
                    if (IsMisaligned(ref p, 7)) { faultSize = 8; goto Misaligned; }
                    Atomic64(op.Code, ref Unsafe.As<byte, long>(ref p), ref r, op.Src);
                    pc++;
                    continue;
                }
                case >= OpCode.LdAcqB and <= OpCode.LdAcqDW:
                {
                    uint size = 1u << (op.Code - OpCode.LdAcqB);
                    faultAddress = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, size, false);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = size; goto MemFault; }
                    Unsafe.Add(ref r, op.Dst) = size switch
                    {
                        1 => Volatile.Read(ref p),
                        2 => Volatile.Read(ref Unsafe.As<byte, ushort>(ref p)),
                        4 => Volatile.Read(ref Unsafe.As<byte, uint>(ref p)),
                        _ => Volatile.Read(ref Unsafe.As<byte, ulong>(ref p)),
                    };
                    pc++;
                    continue;
                }
                case >= OpCode.StRelB and <= OpCode.StRelDW:
                {
                    uint size = 1u << (op.Code - OpCode.StRelB);
                    faultAddress = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
                    ref byte p = ref Access(regions, faultAddress, size, true);
                    if (Unsafe.IsNullRef(ref p)) { faultSize = size; faultWrite = true; goto MemFault; }
                    ulong v = Unsafe.Add(ref r, op.Src);
                    switch (size)
                    {
                        case 1: Volatile.Write(ref p, (byte)v); break;
                        case 2: Volatile.Write(ref Unsafe.As<byte, ushort>(ref p), (ushort)v); break;
                        case 4: Volatile.Write(ref Unsafe.As<byte, uint>(ref p), (uint)v); break;
                        default: Volatile.Write(ref Unsafe.As<byte, ulong>(ref p), v); break;
                    }
                    pc++;
                    continue;
                }
                default:
                    st.Error = new BpfRuntimeError(RuntimeErrorKind.Unsupported, _slotOf[pc], $"internal opcode {op.Code} not executable");
                    goto Stop;
            }

        Taken:
            {
                int target = op.Aux;
                executed += pc - blockStart + 1;
                if (target <= pc && executed > budget)
                    goto Budget;
                pc = target;
                blockStart = target;
                continue;
            }
        }

    MemFault:
        st.Error = new BpfRuntimeError(RuntimeErrorKind.OutOfBounds, _slotOf[pc],
            $"{(faultWrite ? "store" : "load")} of {faultSize} bytes at {st.Map.Describe(faultAddress)} is out of bounds",
            faultAddress, (int)faultSize);
        goto Stop;
    Misaligned:
        st.Error = new BpfRuntimeError(RuntimeErrorKind.MisalignedAtomic, _slotOf[pc],
            $"atomic access of {faultSize} bytes at {st.Map.Describe(faultAddress)} is not aligned", faultAddress, (int)faultSize);
        goto Stop;
    Budget:
        st.Error = new BpfRuntimeError(RuntimeErrorKind.BudgetExceeded, _slotOf[pc],
            $"instruction budget of {budget} exhausted");
        st.Executed = executed;
        return 0;
    Stop:
        st.Executed = executed + pc - blockStart;
        return 0;
    }

    // The GC keeps objects 8-byte aligned, so the alignment of a managed address is stable.
    private static unsafe bool IsMisaligned(ref byte p, nuint mask) => ((nuint)Unsafe.AsPointer(ref p) & mask) != 0;

    private static long SDiv64(long a, long b) => b == 0 ? 0 : b == -1 ? unchecked(-a) : a / b;

    private static long SMod64(long a, long b) => b == 0 ? a : b == -1 ? 0 : a % b;

    private static int SDiv32(int a, int b) => b == 0 ? 0 : b == -1 ? unchecked(-a) : a / b;

    private static int SMod32(int a, int b) => b == 0 ? a : b == -1 ? 0 : a % b;

    private static void Atomic32(OpCode code, ref int p, ref ulong r, int src)
    {
        ref ulong s = ref Unsafe.Add(ref r, src);
        int v = (int)s;
        switch (code)
        {
            case OpCode.AAdd32: Interlocked.Add(ref p, v); break;
            case OpCode.AOr32: Interlocked.Or(ref p, v); break;
            case OpCode.AAnd32: Interlocked.And(ref p, v); break;
            case OpCode.AXor32: XorFetch32(ref p, v); break;
            // Fetch forms return the old value zero-extended (RFC 9669, 5.3).
            case OpCode.AFAdd32: s = (uint)(Interlocked.Add(ref p, v) - v); break;
            case OpCode.AFOr32: s = (uint)Interlocked.Or(ref p, v); break;
            case OpCode.AFAnd32: s = (uint)Interlocked.And(ref p, v); break;
            case OpCode.AFXor32: s = (uint)XorFetch32(ref p, v); break;
            case OpCode.AXchg32: s = (uint)Interlocked.Exchange(ref p, v); break;
            default: // cmpxchg: compare with w0, old value into r0 (zero-extended)
                Unsafe.Add(ref r, 0) = (uint)Interlocked.CompareExchange(ref p, v, (int)Unsafe.Add(ref r, 0));
                break;
        }
    }

    private static void Atomic64(OpCode code, ref long p, ref ulong r, int src)
    {
        ref ulong s = ref Unsafe.Add(ref r, src);
        long v = (long)s;
        switch (code)
        {
            case OpCode.AAdd64: Interlocked.Add(ref p, v); break;
            case OpCode.AOr64: Interlocked.Or(ref p, v); break;
            case OpCode.AAnd64: Interlocked.And(ref p, v); break;
            case OpCode.AXor64: XorFetch64(ref p, v); break;
            case OpCode.AFAdd64: s = (ulong)(Interlocked.Add(ref p, v) - v); break;
            case OpCode.AFOr64: s = (ulong)Interlocked.Or(ref p, v); break;
            case OpCode.AFAnd64: s = (ulong)Interlocked.And(ref p, v); break;
            case OpCode.AFXor64: s = (ulong)XorFetch64(ref p, v); break;
            case OpCode.AXchg64: s = (ulong)Interlocked.Exchange(ref p, v); break;
            default:
                Unsafe.Add(ref r, 0) = (ulong)Interlocked.CompareExchange(ref p, v, (long)Unsafe.Add(ref r, 0));
                break;
        }
    }

    private static int XorFetch32(ref int p, int v)
    {
        int old;
        do { old = Volatile.Read(ref p); } while (Interlocked.CompareExchange(ref p, old ^ v, old) != old);
        return old;
    }

    private static long XorFetch64(ref long p, long v)
    {
        long old;
        do { old = Volatile.Read(ref p); } while (Interlocked.CompareExchange(ref p, old ^ v, old) != old);
        return old;
    }
}
