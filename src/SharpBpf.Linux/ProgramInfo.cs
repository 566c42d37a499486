using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>What the kernel says about a program (BPF_OBJ_GET_INFO_BY_FD, struct bpf_prog_info).</summary>
public sealed class ProgramInfo
{
    internal unsafe ProgramInfo(in BpfProgInfo raw, uint[] mapIds)
    {
        Raw = raw;
        MapIds = mapIds;
        fixed (byte* name = raw.Name)
            Name = Sys.CString(new ReadOnlySpan<byte>(name, 16));
        fixed (byte* tag = raw.Tag)
            Tag = Convert.ToHexStringLower(new ReadOnlySpan<byte>(tag, 8));
    }

    /// <summary>The kernel's struct, for fields without a property here (its pointers are not meaningful after the call).</summary>
    public BpfProgInfo Raw { get; }

    /// <summary>The program type.</summary>
    public ProgramType Type => (ProgramType)Raw.Type;

    /// <summary>The program's id.</summary>
    public uint Id => Raw.Id;

    /// <summary>The name it was loaded with (at most 15 bytes).</summary>
    public string Name { get; }

    /// <summary>The tag: a hash of the instructions, 16 hex digits as bpftool prints it.</summary>
    public string Tag { get; }

    /// <summary>The ids of the maps the program uses.</summary>
    public IReadOnlyList<uint> MapIds { get; }

    /// <summary>When it was loaded, in nanoseconds since boot.</summary>
    public ulong LoadTime => Raw.LoadTime;

    /// <summary>The uid that loaded it.</summary>
    public uint CreatedByUid => Raw.CreatedByUid;

    /// <summary>Whether its license is GPL-compatible.</summary>
    public bool GplCompatible => Raw.GplCompatible;

    /// <summary>The id of its BTF, or 0.</summary>
    public uint BtfId => Raw.BtfId;

    /// <summary>The size of the instructions after the verifier's rewrites, in bytes.</summary>
    public int XlatedLength => (int)Raw.XlatedProgLen;

    /// <summary>The size of the JIT's machine code in bytes (0 when not JITed).</summary>
    public int JitedLength => (int)Raw.JitedProgLen;

    /// <summary>Total run time in nanoseconds (counted while BPF_ENABLE_STATS or kernel.bpf_stats_enabled is on).</summary>
    public ulong RunTimeNanoseconds => Raw.RunTimeNs;

    /// <summary>Number of runs (counted as <see cref="RunTimeNanoseconds"/>).</summary>
    public ulong RunCount => Raw.RunCnt;

    /// <summary>Runs skipped because the program was already running on that CPU.</summary>
    public ulong RecursionMisses => Raw.RecursionMisses;

    /// <summary>How many instructions the verifier processed.</summary>
    public uint VerifiedInstructions => Raw.VerifiedInsns;

    /// <summary>The BTF object of the attach target (0 for vmlinux or none).</summary>
    public uint AttachBtfObjectId => Raw.AttachBtfObjId;

    /// <summary>The BTF type id of the attach target, or 0.</summary>
    public uint AttachBtfId => Raw.AttachBtfId;

    /// <summary>The device the program is offloaded to, or 0.</summary>
    public uint Ifindex => Raw.Ifindex;
}
