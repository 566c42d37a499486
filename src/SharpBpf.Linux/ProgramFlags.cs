namespace SharpBpf.Linux;

/// <summary>
/// prog_flags of BPF_PROG_LOAD. These are #defines in include/uapi/linux/bpf.h, so the kernel's BTF
/// does not carry them; values as of Linux 6.18.
/// </summary>
[Flags]
public enum ProgramFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>BPF_F_STRICT_ALIGNMENT: check alignment as strict-alignment architectures need.</summary>
    StrictAlignment = 1u << 0,
    /// <summary>BPF_F_ANY_ALIGNMENT: skip alignment checks (testing only).</summary>
    AnyAlignment = 1u << 1,
    /// <summary>BPF_F_TEST_RND_HI32: randomize the high 32 bits of 32-bit results (testing only).</summary>
    TestRndHi32 = 1u << 2,
    /// <summary>BPF_F_TEST_STATE_FREQ: prune states more often (testing only).</summary>
    TestStateFreq = 1u << 3,
    /// <summary>BPF_F_SLEEPABLE: the program may sleep (fentry/lsm/uprobe .s sections).</summary>
    Sleepable = 1u << 4,
    /// <summary>BPF_F_XDP_HAS_FRAGS: the XDP program handles multi-buffer frames (5.18).</summary>
    XdpHasFrags = 1u << 5,
    /// <summary>BPF_F_XDP_DEV_BOUND_ONLY: bound to a device for XDP metadata kfuncs (6.3).</summary>
    XdpDevBoundOnly = 1u << 6,
    /// <summary>BPF_F_TEST_REG_INVARIANTS: check register bounds invariants (testing only, 6.8).</summary>
    TestRegInvariants = 1u << 7,
}
