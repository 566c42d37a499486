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
public sealed partial class BpfInterpreter
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
    // AggressiveOptimization here and on Run(map, ...): the per-run path is a few dozen
    // instructions, so it matters that it is optimized from the first call. With tiered PGO its
    // Tier1 version can arrive seconds late (instrumented Tier0 first), long after the dispatch
    // loop itself (always fully optimized) is hot.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ExecutionResult Run(byte[]? memory, MemoryMap? map = null)
    {
        map ??= new MemoryMap();
        if (memory is null)
        {
            map.Reset();
            return RunCore(map, 0, 0, 0);
        }
        ulong r1 = map.ResetToPacket(memory);
        return RunCore(map, r1, (ulong)memory.Length, (int)(r1 >> 32));
    }

    /// <summary>
    /// Runs in a prepared address space with r1 and r2 as given; <paramref name="packetRegion"/>
    /// is the region LD_ABS/LD_IND read (0 for none). The map's stack is used as is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ExecutionResult Run(MemoryMap map, ulong r1, ulong r2, int packetRegion = 0)
    {
        ArgumentNullException.ThrowIfNull(map);
        return RunCore(map, r1, r2, packetRegion);
    }

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ExecutionResult RunCore(MemoryMap map, ulong r1, ulong r2, int packetRegion)
    {
        scoped RunState st = default;
        st.Op0 = ref MemoryMarshal.GetArrayDataReference(_ops);
        st.Map = map;
        st.SlotOf = _slotOf;
        st.Helpers = _helpers;
        st.Registry = _registry;
        st.Budget = InstructionBudget;
        st.PacketRegion = packetRegion;
        st.MayGoto = MayGotoBudget;
        // Only bpf-to-bpf calls touch the frames, so they are not cleared.
        st.Frames = stackalloc Frame[MemoryMap.MaxFrames];
        ulong r0 = Execute(ref st, r1, r2);
        return new ExecutionResult(st.Error is null ? r0 : 0, st.Executed, st.Error);
    }

    /// <summary>What a run needs beyond the dispatch loop's locals (cold paths only).</summary>
    private ref struct RunState
    {
        /// <summary>The first op: indices (for pcs, counts, returns) are measured from it.</summary>
        public ref Op Op0;
        public Span<Frame> Frames;
        public MemoryMap Map;
        public int[] SlotOf;
        public BpfHelper[] Helpers;
        public HelperRegistry Registry;
        public long Budget;
        public long Executed;
        public int PacketRegion;
        public int MayGoto;
        public int Depth;
        public BpfRuntimeError? Error;
    }

    /// <summary>A bpf-to-bpf call's saved state: return index and the callee-saved r6-r10.</summary>
    private struct Frame
    {
        public int ReturnIndex;
        public ulong R6, R7, R8, R9, R10;
    }

    /// <summary>The bytes at a program address, or a null ref when any of them is outside its region (or read-only, for writes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte Access(MemoryRegion[] regions, ulong address, uint size, bool write)
    {
        uint index = (uint)(address >> 32);
        if (index < (uint)regions.Length)
        {
            ref MemoryRegion r = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regions), (nint)index);
            uint offset = (uint)address;
            // offset + size <= Length <= Data.Length - Start (MemoryMap.Add checks), so the sum below stays in the array.
            if ((ulong)offset + size <= (uint)r.Length && (!write || r.Writable))
                return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(r.Data), (nint)((uint)r.Start + offset));
        }
        return ref Unsafe.NullRef<byte>();
    }

    /// <summary>Ops from <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Distance(ref Op from, ref Op to) => (long)((ulong)Unsafe.ByteOffset(ref from, ref to) / (ulong)Unsafe.SizeOf<Op>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(ref Op op0, ref Op op) => (int)Distance(ref op0, ref op);

    /// <summary>The instruction slot (what errors report) of an op.</summary>
    private static int Pc(ref RunState st, ref Op op) => st.SlotOf[Index(ref st.Op0, ref op)];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError MemoryFault(MemoryMap map, int pc, ulong address, uint size, bool write) =>
        new(RuntimeErrorKind.OutOfBounds, pc,
            $"{(write ? "store" : "load")} of {size} bytes at {map.Describe(address)} is out of bounds", address, (int)size);

    /// <summary>The fault of a plain load or store whose bounds check failed (registers are as the op found them).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError AccessFault(ref RunState st, ref Op op, ref ulong r)
    {
        bool store = op.Code is >= OpCode.StB and <= OpCode.StxDW;
        uint size = op.Code switch
        {
            OpCode.LdxB or OpCode.LdxsB or OpCode.StB or OpCode.StxB => 1,
            OpCode.LdxH or OpCode.LdxsH or OpCode.StH or OpCode.StxH => 2,
            OpCode.LdxW or OpCode.LdxsW or OpCode.StW or OpCode.StxW => 4,
            _ => 8,
        };
        ulong address = Unsafe.Add(ref r, store ? op.Dst : op.Src) + (ulong)(long)op.Aux;
        return MemoryFault(st.Map, Pc(ref st, ref op), address, size, store);
    }

    // Errors are built out of line: an interpolated string in Execute would add a handler struct
    // to its frame, zeroed on every run.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError CallDepthError(int pc) =>
        new(RuntimeErrorKind.CallDepthExceeded, pc, $"bpf-to-bpf calls nested deeper than {MemoryMap.MaxFrames} frames");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError BudgetError(int pc, long budget) =>
        new(RuntimeErrorKind.BudgetExceeded, pc, $"instruction budget of {budget} exhausted");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError FellOffError(int pc) =>
        new(RuntimeErrorKind.FellOffEnd, pc, "program ran past its last instruction without exit");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError KfuncError(int pc, long btfId) =>
        new(RuntimeErrorKind.Unsupported, pc, $"kfunc call (btf id {btfId}) needs the kernel; the interpreter has no kernel functions");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BpfRuntimeError InternalError(int pc, OpCode code) =>
        new(RuntimeErrorKind.Unsupported, pc, $"internal opcode {code} not executable");

    /// <summary>Enters a bpf-to-bpf call: saves r6-r10 and gives the callee the next stack frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Call(ref RunState st, ref ulong r, int returnIndex)
    {
        ref Frame f = ref st.Frames[st.Depth++];
        f.ReturnIndex = returnIndex;
        f.R6 = Unsafe.Add(ref r, 6);
        f.R7 = Unsafe.Add(ref r, 7);
        f.R8 = Unsafe.Add(ref r, 8);
        f.R9 = Unsafe.Add(ref r, 9);
        f.R10 = Unsafe.Add(ref r, 10);
        Unsafe.Add(ref r, 10) -= MemoryMap.StackPerFrame;
    }

    /// <summary>Leaves a bpf-to-bpf call: restores r6-r10; returns the op index to continue at.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Return(ref RunState st, ref ulong r)
    {
        ref Frame f = ref st.Frames[--st.Depth];
        Unsafe.Add(ref r, 6) = f.R6;
        Unsafe.Add(ref r, 7) = f.R7;
        Unsafe.Add(ref r, 8) = f.R8;
        Unsafe.Add(ref r, 9) = f.R9;
        Unsafe.Add(ref r, 10) = f.R10;
        return f.ReturnIndex;
    }

    /// <summary>
    /// Calls a helper (call imm or callx); false with st.Error set when callx names no helper or
    /// the helper reported a fault (by throwing <see cref="BpfRuntimeException"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool CallHelper(ref RunState st, ref Op op, ref ulong r)
    {
        int pc = Pc(ref st, ref op);
        BpfHelper helper;
        if (op.Code == OpCode.CallHelper)
        {
            helper = st.Helpers[op.Aux];
        }
        else
        {
            ulong id = Unsafe.Add(ref r, op.Dst);
            if (id > int.MaxValue || !st.Registry.TryGet((int)id, out helper))
            {
                st.Error = new BpfRuntimeError(RuntimeErrorKind.UnknownHelper, pc, $"callx to unknown helper {id}");
                return false;
            }
        }
        var context = st.Map.HelperContext;
        context.Pc = pc;
        try
        {
            r = helper(context, Unsafe.Add(ref r, 1), Unsafe.Add(ref r, 2), Unsafe.Add(ref r, 3), Unsafe.Add(ref r, 4), Unsafe.Add(ref r, 5));
        }
        catch (BpfRuntimeException e)
        {
            st.Error = e.Error;
            return false;
        }
        return true;
    }

    /// <summary>LD_ABS / LD_IND: big-endian from the packet region into r0; false when out of bounds.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool LoadPacket(ref RunState st, MemoryRegion[] regions, ref Op op, ref ulong r)
    {
        int size = op.Code is OpCode.LdAbsB or OpCode.LdIndB ? 1 : op.Code is OpCode.LdAbsH or OpCode.LdIndH ? 2 : 4;
        long off = op.Imm;
        if (op.Code >= OpCode.LdIndB)
            off += (long)(uint)Unsafe.Add(ref r, op.Src);
        ref byte p = ref Unsafe.NullRef<byte>();
        if (st.PacketRegion != 0 && off >= 0 && off <= uint.MaxValue)
            p = ref Access(regions, MemoryMap.AddressOf(st.PacketRegion, (uint)off), (uint)size, false);
        if (Unsafe.IsNullRef(ref p))
            return false;
        r = size == 1 ? p
            : size == 2 ? BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref p))
            : BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref p));
        return true;
    }

    /// <summary>Atomic read-modify-write, load-acquire and store-release; false with st.Error set on a fault.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool AtomicAccess(ref RunState st, MemoryRegion[] regions, ref Op op, ref ulong r)
    {
        int pc = Pc(ref st, ref op);
        OpCode code = op.Code;
        if (code is >= OpCode.LdAcqB and <= OpCode.LdAcqDW)
        {
            uint size = 1u << (code - OpCode.LdAcqB);
            ulong address = Unsafe.Add(ref r, op.Src) + (ulong)(long)op.Aux;
            ref byte p = ref Access(regions, address, size, false);
            if (Unsafe.IsNullRef(ref p))
            {
                st.Error = MemoryFault(st.Map, pc, address, size, false);
                return false;
            }
            Unsafe.Add(ref r, op.Dst) = size switch
            {
                1 => Volatile.Read(ref p),
                2 => Volatile.Read(ref Unsafe.As<byte, ushort>(ref p)),
                4 => Volatile.Read(ref Unsafe.As<byte, uint>(ref p)),
                _ => Volatile.Read(ref Unsafe.As<byte, ulong>(ref p)),
            };
            return true;
        }
        {
            uint size = code is >= OpCode.StRelB and <= OpCode.StRelDW ? 1u << (code - OpCode.StRelB)
                : code is >= OpCode.AAdd64 and <= OpCode.ACmpXchg64 ? 8u : 4u;
            ulong address = Unsafe.Add(ref r, op.Dst) + (ulong)(long)op.Aux;
            ref byte p = ref Access(regions, address, size, true);
            if (Unsafe.IsNullRef(ref p))
            {
                st.Error = MemoryFault(st.Map, pc, address, size, true);
                return false;
            }
            if (code is >= OpCode.StRelB and <= OpCode.StRelDW)
            {
                ulong v = Unsafe.Add(ref r, op.Src);
                switch (size)
                {
                    case 1: Volatile.Write(ref p, (byte)v); break;
                    case 2: Volatile.Write(ref Unsafe.As<byte, ushort>(ref p), (ushort)v); break;
                    case 4: Volatile.Write(ref Unsafe.As<byte, uint>(ref p), (uint)v); break;
                    default: Volatile.Write(ref Unsafe.As<byte, ulong>(ref p), v); break;
                }
                return true;
            }
            if (IsMisaligned(ref p, size - 1))
            {
                st.Error = new BpfRuntimeError(RuntimeErrorKind.MisalignedAtomic, pc,
                    $"atomic access of {size} bytes at {st.Map.Describe(address)} is not aligned", address, (int)size);
                return false;
            }
            if (size == 4)
                Atomic32(code, ref Unsafe.As<byte, int>(ref p), ref r, op.Src);
            else
                Atomic64(code, ref Unsafe.As<byte, long>(ref p), ref r, op.Src);
            return true;
        }
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
