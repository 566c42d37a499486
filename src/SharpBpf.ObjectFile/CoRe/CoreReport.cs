namespace SharpBpf.ObjectFile.CoRe;

/// <summary>Every CO-RE relocation of an object's programs, resolved against one target BTF.</summary>
public sealed class CoreReport
{
    /// <summary>The object's path, if known.</summary>
    public string? ObjectPath { get; init; }

    /// <summary>What the target BTF is (a path such as /sys/kernel/btf/vmlinux), if known.</summary>
    public string? Target { get; init; }

    /// <summary>One entry per relocation per program, in program order, then instruction order.</summary>
    public required IReadOnlyList<CoreRelocationResult> Relocations { get; init; }

    /// <summary>How many relocations had an outcome.</summary>
    public int Count(CoreOutcome outcome)
    {
        int n = 0;
        foreach (var r in Relocations)
        {
            if (r.Outcome == outcome)
                n++;
        }
        return n;
    }

    /// <summary>Whether libbpf would load the object (no relocation is ambiguous or failed; poisoned ones are allowed).</summary>
    public bool CanLoad
    {
        get
        {
            foreach (var r in Relocations)
            {
                if (r.IsError)
                    return false;
            }
            return true;
        }
    }
}
