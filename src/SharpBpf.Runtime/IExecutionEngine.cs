namespace SharpBpf.Runtime;

/// <summary>
/// A prepared program that can be run: the interpreter or the x86-64 JIT. Both give the same
/// results, faults (kind, pc, message) and instruction counts.
/// </summary>
public interface IExecutionEngine
{
    /// <summary>Instructions executed before a run is stopped.</summary>
    long InstructionBudget { get; set; }

    /// <summary>
    /// Runs with the bpf_conformance calling convention: r1 = the memory buffer (a region of kind
    /// Packet, also what LD_ABS/LD_IND read) or 0 when there is none, r2 = its length.
    /// </summary>
    ExecutionResult Run(byte[]? memory, MemoryMap? map = null);

    /// <summary>
    /// Runs in a prepared address space with r1 and r2 as given; <paramref name="packetRegion"/>
    /// is the region LD_ABS/LD_IND read (0 for none).
    /// </summary>
    ExecutionResult Run(MemoryMap map, ulong r1, ulong r2, int packetRegion = 0);
}
