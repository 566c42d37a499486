using System.Runtime.InteropServices;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// The managed side of a run that calls helpers or maps more than three regions: pins every
/// region array the code may read (beyond the two <see cref="JitProgram"/> pins with fixed),
/// keeps the descriptors in step with the <see cref="MemoryMap"/> after each helper call (moving
/// the block to native memory when it outgrows the stack one), and holds the helper's error or
/// exception for the result. The trampoline finds it in a thread-static: one per thread, reused,
/// with nested runs (a helper running another program) stacked.
/// </summary>
internal sealed unsafe class JitRun
{
    [ThreadStatic]
    private static JitRun? t_current;

    [ThreadStatic]
    private static JitRun? t_spare;

    private readonly Dictionary<byte[], GCHandle> _pins = new(ReferenceEqualityComparer.Instance);
    private MemoryRegion[] _described = new MemoryRegion[JitProgram.InlineRegions];
    private JitProgram _program = null!;
    private MemoryMap _map = null!;
    private byte[] _stackArray = null!;
    private byte* _stackData;
    private byte[]? _firstArray;
    private byte* _firstData;
    private byte* _native;
    private byte* _block;
    private int _capacity;
    private JitRun? _previous;

    /// <summary>The run the current thread's machine code is in.</summary>
    public static JitRun? Current => t_current;

    /// <summary>What the failing helper (or callx) reported.</summary>
    public BpfRuntimeError? Error { get; private set; }

    /// <summary>A helper's exception other than <see cref="BpfRuntimeException"/>, rethrown by Run as the interpreter lets it through.</summary>
    public Exception? Exception { get; set; }

    public static JitRun Enter(JitProgram program, MemoryMap map, byte[] stackArray, byte* stackData, byte[]? firstArray, byte* firstData)
    {
        var run = t_spare ?? new JitRun();
        t_spare = null;
        run._program = program;
        run._map = map;
        run._stackArray = stackArray;
        run._stackData = stackData;
        run._firstArray = firstArray;
        run._firstData = firstData;
        run._previous = t_current;
        t_current = run;
        return run;
    }

    /// <summary>Describes every region in the block on the stack (or a bigger native one); returns the block.</summary>
    public byte* Start(byte* block, int capacity)
    {
        _block = block;
        _capacity = capacity;
        return Sync();
    }

    /// <summary>Runs the helper of a call site; null when the run must stop.</summary>
    public byte* CallHelper(byte* block, int site)
    {
        var h = (JitFrame*)(block - JitFrame.Size);
        var call = _program.Compiled.HelperSites[site];
        BpfHelper helper;
        if (call.HelperIndex >= 0)
        {
            helper = _program.Compiled.Helpers[call.HelperIndex];
        }
        else
        {
            ulong id = h->CallxId;
            if (id > int.MaxValue || !_program.Registry.TryGet((int)id, out helper))
            {
                Error = new BpfRuntimeError(RuntimeErrorKind.UnknownHelper, call.Pc, $"callx to unknown helper {id}");
                return null;
            }
        }
        var context = _map.HelperContext;
        context.Pc = call.Pc;
        try
        {
            h->R0 = helper(context, h->R1, h->R2, h->R3, h->R4, h->R5);
        }
        catch (BpfRuntimeException e)
        {
            Error = e.Error;
            return null;
        }
        // A helper may have mapped (or reset) regions.
        return Sync();
    }

    /// <summary>Leaves the run on this thread and frees what it pinned or allocated.</summary>
    public void Exit()
    {
        t_current = _previous;
        _previous = null;
        foreach (var handle in _pins.Values)
            handle.Free();
        _pins.Clear();
        Array.Clear(_described);
        if (_native != null)
        {
            NativeMemory.Free(_native);
            _native = null;
        }
        _block = null;
        _program = null!;
        _map = null!;
        _stackArray = null!;
        _firstArray = null;
        Error = null;
        Exception = null;
        t_spare = this;
    }

    /// <summary>
    /// Brings the descriptors in step with the map: only regions that differ from what was last
    /// described are pinned and rewritten (a helper usually maps nothing, or one region).
    /// </summary>
    private byte* Sync()
    {
        var regions = _map.Regions;
        int count = _map.Count;
        if (count > _capacity)
            Grow(count);
        if (count > _described.Length)
            Array.Resize(ref _described, Math.Max(count, _described.Length * 2));
        for (int i = 0; i < count; i++)
        {
            ref readonly var r = ref regions[i];
            ref var seen = ref _described[i];
            if (ReferenceEquals(seen.Data, r.Data) && seen.Start == r.Start && seen.Length == r.Length && seen.Writable == r.Writable)
                continue;
            JitProgram.Describe(_block, i, in r, Pin(r.Data));
            seen = r;
        }
        ((JitFrame*)(_block - JitFrame.Size))->AddressLimit = (ulong)count << 32;
        return _block;
    }

    private byte* Pin(byte[] array)
    {
        if (ReferenceEquals(array, _stackArray))
            return _stackData;
        if (ReferenceEquals(array, _firstArray))
            return _firstData;
        if (!_pins.TryGetValue(array, out var handle))
        {
            handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            _pins.Add(array, handle);
        }
        return (byte*)handle.AddrOfPinnedObject();
    }

    /// <summary>Moves the block (header and descriptors: the code's state lives there) to native memory with room for <paramref name="count"/> regions.</summary>
    private void Grow(int count)
    {
        int capacity = Math.Max(count, _capacity * 2);
        var memory = (byte*)NativeMemory.Alloc((nuint)(JitFrame.Size + capacity * RegionDescriptor.Size));
        long used = JitFrame.Size + (long)_capacity * RegionDescriptor.Size;
        Buffer.MemoryCopy(_block - JitFrame.Size, memory, used, used);
        if (_native != null)
            NativeMemory.Free(_native);
        _native = memory;
        _block = memory + JitFrame.Size;
        _capacity = capacity;
    }
}
