using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.Spec;

/// <summary>A symbol the object uses but does not define, with what it is for.</summary>
/// <param name="Name">The symbol.</param>
/// <param name="Kind">kconfig, ksym variable, kfunc, or unknown.</param>
/// <param name="Weak">STB_WEAK: may stay unresolved.</param>
public sealed record ExternSpec(string Name, ReferenceKind? Kind, bool Weak);

/// <summary>
/// Everything a BPF object file says: programs by name, maps by name, BTF, license, externs.
/// Pure data: nothing here has touched a kernel (cilium/ebpf's CollectionSpec).
/// </summary>
public sealed class CollectionSpec
{
    /// <summary>The object's path.</summary>
    public string? Path { get; init; }

    /// <summary>Programs by function name, in section order.</summary>
    public required IReadOnlyDictionary<string, ProgramSpec> Programs { get; init; }

    /// <summary>Maps by name (BTF maps, legacy maps and data sections).</summary>
    public required IReadOnlyDictionary<string, MapSpec> Maps { get; init; }

    /// <summary>The object's BTF, if any.</summary>
    public BtfSpec? Btf { get; init; }

    /// <summary>The object's .BTF.ext, if any.</summary>
    public BtfExt? BtfExt { get; init; }

    /// <summary>The license string.</summary>
    public string License { get; init; } = "";

    /// <summary>The "version" section (kernel version for old kprobe loaders), if present.</summary>
    public uint? KernelVersion { get; init; }

    /// <summary>Externs the object expects the loader to resolve.</summary>
    public IReadOnlyList<ExternSpec> Externs { get; init; } = [];

    /// <summary>Sub-programs (functions in .text), by name: their slot range in .text.</summary>
    public IReadOnlyDictionary<string, (long Offset, long Size)> SubPrograms { get; init; } = new Dictionary<string, (long, long)>();
}
