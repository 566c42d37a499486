namespace SharpBpf.Runtime;

/// <summary>What a helper sees of the run that called it.</summary>
public sealed class HelperContext
{
    internal HelperContext(MemoryMap memory) => Memory = memory;

    /// <summary>The run's address space; translate pointer arguments through it.</summary>
    public MemoryMap Memory { get; }

    /// <summary>The pc of the call instruction.</summary>
    public int Pc { get; internal set; }

    /// <summary>
    /// What the host that started the run gave its helpers (the program's userspace maps, the CPU,
    /// tail-call state: see <see cref="Helpers.RunEnvironment"/>); null for bare runs.
    /// </summary>
    public Helpers.RunEnvironment? Environment { get; set; }

    /// <summary>Where helpers such as bpf_trace_printk write; null discards.</summary>
    public TextWriter? Output { get; set; }

    /// <summary>Bytes at an address, or a fault naming the helper's pc.</summary>
    public Span<byte> GetSpan(ulong address, int size, bool write)
    {
        if (Memory.TryGetSpan(address, size, write, out var span))
            return span;
        throw new BpfRuntimeException(new BpfRuntimeError(RuntimeErrorKind.OutOfBounds, Pc,
            $"helper {(write ? "write" : "read")} of {size} bytes at {Memory.Describe(address)} is out of bounds", address, size));
    }
}
