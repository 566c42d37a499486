namespace SharpBpf.Linux.Attach;

/// <summary>
/// Where a new program goes among those already on a multi-program hook (tcx, netkit, cgroup:
/// the kernel's bpf_mprog, 6.6), as cilium/ebpf's link.Anchor: first, last, or before or after
/// a program or link already there (BPF_F_BEFORE / BPF_F_AFTER with BPF_F_LINK or BPF_F_ID).
/// </summary>
public sealed class Anchor
{
    // include/uapi/linux/bpf.h.
    internal const uint FlagBefore = 1u << 3;
    internal const uint FlagAfter = 1u << 4;
    internal const uint FlagId = 1u << 5;
    internal const uint FlagLink = 1u << 13;

    private Anchor(uint flags, KernelProgram? program, Link? link, uint id)
    {
        Flags = flags;
        Program = program;
        Link = link;
        Id = id;
    }

    /// <summary>Before every program (BPF_F_BEFORE with no relative).</summary>
    public static Anchor Head { get; } = new(FlagBefore, null, null, 0);

    /// <summary>After every program (BPF_F_AFTER with no relative), where new programs go by default.</summary>
    public static Anchor Tail { get; } = new(FlagAfter, null, null, 0);

    /// <summary>Just before <paramref name="program"/>.</summary>
    public static Anchor BeforeProgram(KernelProgram program) => new(FlagBefore, program ?? throw new ArgumentNullException(nameof(program)), null, 0);

    /// <summary>Just after <paramref name="program"/>.</summary>
    public static Anchor AfterProgram(KernelProgram program) => new(FlagAfter, program ?? throw new ArgumentNullException(nameof(program)), null, 0);

    /// <summary>Just before the program of <paramref name="link"/>.</summary>
    public static Anchor BeforeLink(Link link) => new(FlagBefore | FlagLink, null, link ?? throw new ArgumentNullException(nameof(link)), 0);

    /// <summary>Just after the program of <paramref name="link"/>.</summary>
    public static Anchor AfterLink(Link link) => new(FlagAfter | FlagLink, null, link ?? throw new ArgumentNullException(nameof(link)), 0);

    /// <summary>Just before the program with id <paramref name="programId"/>.</summary>
    public static Anchor BeforeProgramId(uint programId) => new(FlagBefore | FlagId, null, null, programId);

    /// <summary>Just after the program with id <paramref name="programId"/>.</summary>
    public static Anchor AfterProgramId(uint programId) => new(FlagAfter | FlagId, null, null, programId);

    internal uint Flags { get; }

    internal KernelProgram? Program { get; }

    internal Link? Link { get; }

    internal uint Id { get; }

    /// <summary>The descriptor to put in relative_fd, or null when the anchor has none (head, tail, by id).</summary>
    internal BpfFileDescriptor? RelativeFd =>
        Program?.Fd ?? (Link is null ? null : Link.KernelLink?.Fd ?? throw new ArgumentException($"{Link.Target} is not a bpf_link to anchor on"));
}
