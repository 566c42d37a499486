using System.Runtime.InteropServices;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// The run block compiled code works on. The machine code keeps a pointer to the first region
/// descriptor in r9; this header lies just below it (negative displacements from r9), and the
/// descriptors of region i start at r9 + 24 * i. One block per run, so runs on several threads
/// never share state; a helper that maps more regions than the block holds gets a bigger copy and
/// the code reloads r9 after every helper call.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct JitFrame
{
    /// <summary>Header size in bytes.</summary>
    public const int Size = 512;

    // Register exchange with the trampoline: r1-r5 in, r0 out (also r1/r2 at entry and r0 at exit).
    public const int R0Offset = 0;
    public const int R1Offset = 8;
    public const int CallxIdOffset = 48;
    /// <summary>(region count) &lt;&lt; 32: every address at or above it names no region.</summary>
    public const int AddressLimitOffset = 56;
    /// <summary>Host address of the stack region's byte 0, minus 1 &lt;&lt; 32 (host r10 minus this is the program's r10).</summary>
    public const int StackBiasOffset = 64;
    /// <summary>The host frame pointer at or below which a bpf-to-bpf call would exceed MaxFrames.</summary>
    public const int MinFramePointerOffset = 72;
    public const int InitialFramePointerOffset = 80;
    /// <summary>The instruction counter at entry: -budget.</summary>
    public const int InitialCounterOffset = 88;
    public const int TrampolineOffset = 96;
    public const int SavedStackPointerOffset = 104;
    /// <summary>(packet region) &lt;&lt; 32, what LD_ABS/LD_IND offsets are or-ed with.</summary>
    public const int PacketAddressOffset = 112;
    public const int CounterOffset = 120;
    public const int FaultSiteOffset = 128;
    public const int MayGotoOffset = 132;
    public const int FaultAddressOffset = 136;
    public const int Spill0Offset = 144;
    /// <summary>Host address of the input buffer's byte 0 minus its program address (verifier-proven buffer accesses).</summary>
    public const int BufferBiasOffset = 152;
    /// <summary>Translation cache: 32 bytes per register r0-r9 (see <see cref="CacheSlot"/>).</summary>
    public const int CacheOffset = 192;

    [FieldOffset(R0Offset)] public ulong R0;
    [FieldOffset(R1Offset)] public ulong R1;
    [FieldOffset(R1Offset + 8)] public ulong R2;
    [FieldOffset(R1Offset + 16)] public ulong R3;
    [FieldOffset(R1Offset + 24)] public ulong R4;
    [FieldOffset(R1Offset + 32)] public ulong R5;
    [FieldOffset(CallxIdOffset)] public ulong CallxId;
    [FieldOffset(AddressLimitOffset)] public ulong AddressLimit;
    [FieldOffset(StackBiasOffset)] public ulong StackBias;
    [FieldOffset(MinFramePointerOffset)] public ulong MinFramePointer;
    [FieldOffset(InitialFramePointerOffset)] public ulong InitialFramePointer;
    [FieldOffset(InitialCounterOffset)] public long InitialCounter;
    [FieldOffset(TrampolineOffset)] public nint Trampoline;
    [FieldOffset(SavedStackPointerOffset)] public ulong SavedStackPointer;
    [FieldOffset(PacketAddressOffset)] public ulong PacketAddress;
    [FieldOffset(CounterOffset)] public long Counter;
    [FieldOffset(FaultSiteOffset)] public int FaultSite;
    [FieldOffset(MayGotoOffset)] public int MayGoto;
    [FieldOffset(FaultAddressOffset)] public ulong FaultAddress;
    [FieldOffset(BufferBiasOffset)] public ulong BufferBias;

    /// <summary>r9-relative displacement of a header field.</summary>
    public static int Disp(int offset) => offset - Size;

    /// <summary>r9-relative displacement of a register's cache slot field.</summary>
    public static int CacheDisp(int register, int field) => Disp(CacheOffset + register * CacheSlot.Size + field);
}

/// <summary>
/// What a checked access through base register rb leaves for later accesses through the same,
/// unchanged rb (all relative to rb's value, in rb's region): the host address rb maps to, and the
/// room after and before it, so rb + off of size s is in bounds iff off + s &lt;= room and
/// -off &lt;= below.
/// </summary>
internal static class CacheSlot
{
    public const int Size = 32;
    public const int Host = 0;
    public const int ReadRoom = 8;
    public const int WriteRoom = 16;
    public const int Below = 24;
}

/// <summary>
/// A region descriptor (24 bytes): the first address past the region, the same for stores (the
/// region's start when it is read-only), and host address minus program address.
/// </summary>
internal static class RegionDescriptor
{
    public const int Size = 24;
    public const int Limit = 0;
    public const int WriteLimit = 8;
    public const int Bias = 16;
}
