using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Loader;

/// <summary>
/// How <see cref="Collection.Load(ObjectFile.Spec.CollectionSpec, CollectionOptions?)"/> loads an
/// object (cilium/ebpf's CollectionOptions, libbpf's bpf_object_open_opts and the setters used
/// between open and load): which programs, where pinned maps live, initial values of global
/// variables, maps to reuse, the verifier log.
/// </summary>
public sealed class CollectionOptions
{
    private readonly Dictionary<string, byte[]> _variables = new(StringComparer.Ordinal);

    /// <summary>
    /// Where maps declared with <c>LIBBPF_PIN_BY_NAME</c> are pinned and reused from:
    /// PIN_PATH/MAP_NAME (libbpf's pin_root_path; default /sys/fs/bpf).
    /// </summary>
    public string PinPath { get; init; } = BpfFs.DefaultPath;

    /// <summary>
    /// False: maps declared with <c>LIBBPF_PIN_BY_NAME</c> are created like any other, neither pinned nor
    /// reused from <see cref="PinPath"/> (for loads that must leave nothing behind, such as verifier probes).
    /// </summary>
    public bool PinMaps { get; init; } = true;

    /// <summary>
    /// The programs to load, by function name. Null (the default) loads every program except
    /// those in sections whose name starts with '?' (libbpf's autoload); naming a '?' program here loads it.
    /// </summary>
    public IReadOnlyCollection<string>? Programs { get; init; }

    /// <summary>
    /// A program type for every program, instead of the one its section implies (bpftool's
    /// <c>prog load ... type TYPE</c>), with <see cref="ExpectedAttachType"/>.
    /// </summary>
    public ProgramType? ProgramType { get; init; }

    /// <summary>The expected attach type that goes with <see cref="ProgramType"/>.</summary>
    public AttachType? ExpectedAttachType { get; init; }

    /// <summary>
    /// Maps to use instead of creating them, by map name (libbpf's bpf_map__reuse_fd, bpftool's
    /// <c>map name NAME MAP</c>): the collection takes a duplicate of each fd, so the caller keeps its own.
    /// </summary>
    public IReadOnlyDictionary<string, KernelMap> ReplaceMaps { get; init; } = new Dictionary<string, KernelMap>();

    /// <summary>The verifier log to keep for each program (<see cref="KernelProgram.VerifierLog"/>) and the BTF.</summary>
    public VerifierLogLevel LogLevel { get; init; }

    /// <summary>The first size of each verifier log buffer (it grows as needed).</summary>
    public int LogSize { get; init; } = 64 * 1024;

    /// <summary>
    /// The BTF that CO-RE relocations are resolved against; null for the running kernel's
    /// (/sys/kernel/btf/vmlinux, parsed once per process).
    /// </summary>
    public BtfSpec? CoreTarget { get; init; }

    /// <summary>
    /// CONFIG_* options and their values as a config file writes them ("y", "m", "250", "\"text\"")
    /// for .kconfig externs, instead of the running kernel's (/boot/config-RELEASE or
    /// /proc/config.gz, see <see cref="Features.KernelConfig"/>); libbpf's kconfig option.
    /// </summary>
    public IReadOnlyDictionary<string, string>? KernelConfig { get; init; }

    /// <summary>
    /// The object's name, which prefixes its global data maps ("prog_typ.data"); null for libbpf's:
    /// the file name up to its first '.'.
    /// </summary>
    public string? ObjectName { get; init; }

    /// <summary>Initial values of global variables set with <see cref="SetVariable{T}"/>, by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Variables => _variables;

    /// <summary>
    /// Sets the initial value of a global variable (in .rodata, .data, .bss or a custom .data.*/.rodata.*
    /// section) before the collection is loaded, as libbpf's skeleton lets one write
    /// <c>skel->rodata->NAME</c>: .rodata values are then frozen with the rest of the section, so the
    /// verifier sees them as constants. <typeparamref name="T"/> must be exactly the variable's size.
    /// </summary>
    public CollectionOptions SetVariable<T>(string name, T value) where T : unmanaged =>
        SetVariable(name, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Sets the initial bytes of a global variable (see <see cref="SetVariable{T}"/>).</summary>
    public CollectionOptions SetVariable(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _variables[name] = value.ToArray();
        return this;
    }
}
