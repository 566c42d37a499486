using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// A program compiled by <see cref="BpfJit"/>: machine code in its own executable mapping,
/// called through a function pointer. Runs behave exactly like <see cref="BpfInterpreter"/>'s
/// (results, errors with their pcs and messages, instruction counts). Dispose unmaps the code;
/// do not dispose while another thread is running the program.
/// </summary>
public sealed unsafe partial class JitProgram : IExecutionEngine, IDisposable
{
    /// <summary>Region descriptors the run block on the stack holds; more go to native memory.</summary>
    internal const int InlineRegions = 8;

    private readonly ExecutableMemory _code;
    private readonly delegate* unmanaged<byte*, byte*> _entry;
    private readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*> _shortEntry;
    private readonly CompiledCode _compiled;
    private readonly FaultSite[] _faults;
    private readonly HelperRegistry _registry;
    private readonly bool _usesHelpers;
    private long _budget = 1_000_000_000;
    private long _initialCounter = -1_000_000_000;
    private readonly bool _boundedWithoutBudget;
    private readonly bool _usesMayGoto;
    private bool _skipTransition;
    private readonly bool _assumesBuffer;
    private readonly int? _bufferSize;
    private readonly bool _foldConstants;
    private JitProgram? _checked;

    /// <summary>
    /// Budgets up to this many instructions (about a millisecond of machine code) let a program
    /// without helpers run without the GC transition: it cannot hold up a collection for long.
    /// </summary>
    public const long ShortRunBudget = 1 << 20;

    private static readonly nint s_trampoline = (nint)(delegate* unmanaged<byte*, int, byte*>)&HelperTrampoline;

    internal JitProgram(ExecutableMemory code, CompiledCode compiled, HelperRegistry registry, int instructionCount, JitOptions options)
    {
        _assumesBuffer = options.AssumesBuffer;
        _bufferSize = options.BufferSize;
        _foldConstants = options.FoldConstants;
        _code = code;
        _entry = (delegate* unmanaged<byte*, byte*>)code.DangerousGetHandle();
        // Code that never calls back into .NET may skip the GC transition when its run is short:
        // no loops or calls (a few thousand instructions at most), or a budget that bounds it.
        if (compiled.HelperSites.Length == 0)
            _shortEntry = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*>)code.DangerousGetHandle();
        _boundedWithoutBudget = !compiled.Graph.HasLoopsOrCalls;
        _skipTransition = _shortEntry != null && _boundedWithoutBudget;
        _usesMayGoto = compiled.Graph.UsesMayGoto;
        _compiled = compiled;
        _faults = compiled.Faults;
        _registry = registry;
        InstructionCount = instructionCount;
        _usesHelpers = compiled.HelperSites.Length > 0;
    }

    /// <summary>Instructions executed before a run is stopped (default 1e9).</summary>
    public long InstructionBudget
    {
        get => _budget;
        set
        {
            _budget = value;
            // The counter starts at -budget; clamped so counting cannot overflow (2^62
            // instructions take decades, so runs are the same as with the exact budget).
            _initialCounter = -Math.Clamp(value, -(1L << 62), 1L << 62);
            _skipTransition = _shortEntry != null && (_boundedWithoutBudget || value <= ShortRunBudget);
        }
    }

    /// <summary>Number of instructions (lddw counts once).</summary>
    public int InstructionCount { get; }

    /// <summary>Size of the machine code in bytes.</summary>
    public int CodeSize => _compiled.Code.Length;

    /// <summary>Whether <see cref="Dispose"/> has unmapped the code.</summary>
    public bool IsDisposed => _code.IsClosed;

    /// <summary>Where the code is mapped (for tests of unmapping).</summary>
    internal nint CodeAddress => _code.DangerousGetHandle();

    internal CompiledCode Compiled => _compiled;

    internal HelperRegistry Registry => _registry;

    /// <inheritdoc cref="IExecutionEngine.Run(byte[], MemoryMap)"/>
    /// <remarks>The buffer is used in place: stores change it. A reused map keeps its stack between runs.</remarks>
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

    /// <inheritdoc cref="IExecutionEngine.Run(MemoryMap, ulong, ulong, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ExecutionResult Run(MemoryMap map, ulong r1, ulong r2, int packetRegion = 0)
    {
        ArgumentNullException.ThrowIfNull(map);
        return RunCore(map, r1, r2, packetRegion);
    }

    /// <summary>Unmaps the machine code; later runs throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _code.Dispose();
        _checked?.Dispose();
    }

    /// <summary>
    /// Builds the run block (header and region descriptors) on the stack, pins what the code
    /// reads (the stack and first mapped region by fixed, any others through <see cref="JitRun"/>),
    /// calls the code and turns its exit into an <see cref="ExecutionResult"/>. Native code runs in
    /// preemptive GC mode, so everything it touches must be pinned for the whole call.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ExecutionResult RunCore(MemoryMap map, ulong r1, ulong r2, int packetRegion)
    {
        ObjectDisposedException.ThrowIf(_code.IsClosed, this);
        if (_assumesBuffer && !MeetsProofs(map, r1, r2))
            return Checked().RunCore(map, r1, r2, packetRegion);
        int count = map.Count;
        if (count > 3 || _usesHelpers)
            return RunWithState(map, r1, r2, packetRegion);
        // The common case: null, stack and at most one mapped region, no helpers. The map
        // always holds the null region and the stack, so its array has at least two entries.
        ref MemoryRegion regions = ref MemoryMarshal.GetArrayDataReference(map.Regions);
        ref readonly MemoryRegion stack = ref Unsafe.Add(ref regions, MemoryMap.StackIndex);
        long budget = _budget;
        byte* header = stackalloc byte[JitFrame.Size + 3 * RegionDescriptor.Size];
        byte* block = header + JitFrame.Size;
        fixed (byte* stackData = &MemoryMarshal.GetArrayDataReference(stack.Data))
        fixed (byte* firstData = count > 2 ? Unsafe.Add(ref regions, 2).Data : null)
        {
            Prepare((JitFrame*)header, r1, r2, packetRegion, stackData + stack.Start, count);
            // Region 0 (null) describes nothing; region 1 is the stack.
            var d = (ulong*)block;
            d[0] = 0;
            d[1] = 0;
            d[2] = 0;
            Describe(block, 1, in stack, stackData);
            if (count > 2)
            {
                Describe(block, 2, in Unsafe.Add(ref regions, 2), firstData);
                SetBufferBias((JitFrame*)header, in Unsafe.Add(ref regions, 2), firstData);
            }
            byte* final = _skipTransition ? _shortEntry(block) : Call(block);
            GC.KeepAlive(this);
            var h = (JitFrame*)(final - JitFrame.Size);
            if (h->FaultSite < 0)
                return new ExecutionResult(h->R0, h->Counter + budget, null);
            return Finish(h, map, budget, null);
        }
    }

    /// <summary>The run with helpers or more regions: <see cref="JitRun"/> pins and tracks the regions.</summary>
    [SkipLocalsInit]
    private ExecutionResult RunWithState(MemoryMap map, ulong r1, ulong r2, int packetRegion)
    {
        MemoryRegion[] regions = map.Regions;
        int count = map.Count;
        long budget = _budget;
        byte* header = stackalloc byte[JitFrame.Size + InlineRegions * RegionDescriptor.Size];
        byte[] stackArray = regions[MemoryMap.StackIndex].Data;
        byte[]? firstArray = count > 2 ? regions[2].Data : null;
        fixed (byte* stackData = stackArray)
        fixed (byte* firstData = firstArray)
        {
            Prepare((JitFrame*)header, r1, r2, packetRegion, stackData + regions[MemoryMap.StackIndex].Start, count);
            if (count > 2)
                SetBufferBias((JitFrame*)header, in regions[2], firstData);
            var run = JitRun.Enter(this, map, stackArray, stackData, firstArray, firstData);
            try
            {
                byte* final = Call(run.Start(header + JitFrame.Size, InlineRegions));
                GC.KeepAlive(this);
                var h = (JitFrame*)(final - JitFrame.Size);
                return Finish(h, map, budget, run);
            }
            finally
            {
                run.Exit();
            }
        }
    }

    /// <summary>
    /// The call with a GC transition, in its own method: a method that makes one pays for setting
    /// up an inline P/Invoke frame on every call, whichever branch it takes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private byte* Call(byte* block) => _entry(block);

    /// <summary>Fills the header fields the code reads (the trampoline only for programs with helpers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prepare(JitFrame* h, ulong r1, ulong r2, int packetRegion, byte* stackHost, int count)
    {
        // Values go through locals: reading a field back through h would wait for its store.
        ulong stackBias = (ulong)stackHost - (1UL << 32);
        ulong framePointer = stackBias + MemoryMap.StackTop;
        h->R1 = r1;
        h->R2 = r2;
        h->InitialCounter = _initialCounter;
        h->AddressLimit = (ulong)(uint)count << 32;
        h->StackBias = stackBias;
        h->InitialFramePointer = framePointer;
        h->MinFramePointer = framePointer - (MemoryMap.MaxFrames - 1) * (ulong)MemoryMap.StackPerFrame;
        h->PacketAddress = (ulong)(uint)packetRegion << 32;
        h->MayGoto = BpfInterpreter.MayGotoBudget;
        h->FaultSite = -1;
        if (_usesHelpers)
            h->Trampoline = s_trampoline;
    }

    /// <summary>
    /// Whether a run meets what the verifier's proofs assumed (<see cref="JitOptions.AssumesBuffer"/>):
    /// r1 is byte 0 of region 2 (the first the caller maps), writable, with r2 bytes at least, and
    /// r2 the size the proofs were made for.
    /// </summary>
    private bool MeetsProofs(MemoryMap map, ulong r1, ulong r2)
    {
        if (r1 != 2UL << 32 || map.Count < 3)
            return false;
        ref readonly var region = ref map.Regions[2];
        if (!region.Writable || r2 > (ulong)region.Length)
            return false;
        return _bufferSize is not { } size || r2 == (ulong)size;
    }

    /// <summary>The same program compiled with every check, for runs that do not meet the proofs' assumptions.</summary>
    private JitProgram Checked()
    {
        var c = _checked ??= BpfJit.CompileValidated(_compiled.Graph.Slots, _registry, new JitOptions { FoldConstants = _foldConstants }, InstructionCount);
        c.InstructionBudget = _budget;
        return c;
    }

    /// <summary>The input buffer's bias (host minus program address) for proven buffer accesses; region 2 is the buffer when the proofs hold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetBufferBias(JitFrame* h, in MemoryRegion region, byte* data) =>
        h->BufferBias = (ulong)(data + region.Start) - (2UL << 32);

    /// <summary>Writes region i's descriptor; <paramref name="data"/> is its pinned array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Describe(byte* block, int i, in MemoryRegion region, byte* data)
    {
        ulong start = (ulong)(uint)i << 32;
        ulong limit = start + (uint)region.Length;
        var d = (ulong*)(block + i * RegionDescriptor.Size);
        d[0] = limit;
        d[1] = region.Writable ? limit : start;
        d[2] = (ulong)(data + region.Start) - start;
    }

    private ExecutionResult Finish(JitFrame* h, MemoryMap map, long budget, JitRun? run)
    {
        int site = h->FaultSite;
        if (site < 0)
            return new ExecutionResult(h->R0, h->Counter + budget, null);
        var f = _faults[site];
        long executed = h->Counter + budget + f.CountAdjust;
        ulong address = h->FaultAddress;
        BpfRuntimeError error;
        switch (f.Kind)
        {
            case FaultKind.PacketMiss:
                return new ExecutionResult(0, executed, null);
            case FaultKind.Load:
            case FaultKind.Store:
                error = new BpfRuntimeError(RuntimeErrorKind.OutOfBounds, f.Pc,
                    $"{(f.Kind == FaultKind.Store ? "store" : "load")} of {f.Size} bytes at {map.Describe(address)} is out of bounds", address, f.Size);
                break;
            case FaultKind.Misaligned:
                error = new BpfRuntimeError(RuntimeErrorKind.MisalignedAtomic, f.Pc,
                    $"atomic access of {f.Size} bytes at {map.Describe(address)} is not aligned", address, f.Size);
                break;
            case FaultKind.Budget:
                error = new BpfRuntimeError(RuntimeErrorKind.BudgetExceeded, f.Pc, $"instruction budget of {budget} exhausted");
                break;
            case FaultKind.CallDepth:
                error = new BpfRuntimeError(RuntimeErrorKind.CallDepthExceeded, f.Pc, $"bpf-to-bpf calls nested deeper than {MemoryMap.MaxFrames} frames");
                break;
            case FaultKind.FellOff:
                error = new BpfRuntimeError(RuntimeErrorKind.FellOffEnd, f.Pc, "program ran past its last instruction without exit");
                break;
            case FaultKind.Kfunc:
                error = new BpfRuntimeError(RuntimeErrorKind.Unsupported, f.Pc,
                    $"kfunc call (btf id {f.Immediate}) needs the kernel; userspace engines have no kernel functions");
                break;
            default:
                if (run?.Exception is { } e)
                    ExceptionDispatchInfo.Throw(e);
                error = run?.Error ?? new BpfRuntimeError(RuntimeErrorKind.HelperFailed, f.Pc, "helper failed");
                break;
        }
        return new ExecutionResult(0, executed, error);
    }

    /// <summary>
    /// Called by the machine code for call/callx with the run block and the call site. Returns
    /// the block to continue with (it moves when a helper mapped more regions than it holds), or
    /// null when the run must stop (the error or exception is kept for <see cref="Finish"/>).
    /// Nothing may unwind through the native frames, so every exception is caught here.
    /// </summary>
    [UnmanagedCallersOnly]
    private static byte* HelperTrampoline(byte* block, int site)
    {
        var run = JitRun.Current;
        if (run is null)
            return null;
        try
        {
            return run.CallHelper(block, site);
        }
        catch (Exception e)
        {
            run.Exception ??= e;
            return null;
        }
    }
}
