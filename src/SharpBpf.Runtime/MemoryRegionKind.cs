namespace SharpBpf.Runtime;

/// <summary>What a memory region holds; shown in faults and used by helpers.</summary>
public enum MemoryRegionKind : byte
{
    /// <summary>The null region at address 0: every access faults.</summary>
    Null,
    /// <summary>The program stack (512 bytes per frame).</summary>
    Stack,
    /// <summary>The program context (r1 at entry for most program types).</summary>
    Context,
    /// <summary>Packet data (also what legacy LD_ABS/LD_IND read).</summary>
    Packet,
    /// <summary>A map value.</summary>
    MapValue,
    /// <summary>Memory a helper handed out or global data.</summary>
    Data,
}
