using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>What the kernel says about a link (BPF_OBJ_GET_INFO_BY_FD, struct bpf_link_info).</summary>
public sealed class LinkInfo
{
    internal LinkInfo(in BpfLinkInfo raw, string? tracepointName)
    {
        Raw = raw;
        TracepointName = tracepointName;
    }

    /// <summary>
    /// The kernel's struct: the per-type fields are its flattened union (<c>XdpIfindex</c>,
    /// <c>TcxIfindex</c>, <c>TracingAttachType</c>, <c>PerfEventType</c>, ...); pointers in it are not
    /// meaningful after the call.
    /// </summary>
    public BpfLinkInfo Raw { get; }

    /// <summary>The link type.</summary>
    public LinkType Type => (LinkType)Raw.Type;

    /// <summary>The link's id.</summary>
    public uint Id => Raw.Id;

    /// <summary>The id of the program it runs.</summary>
    public uint ProgramId => Raw.ProgId;

    /// <summary>The tracepoint of a raw tracepoint link (tp_btf included) or of a tracepoint perf_event link, else null.</summary>
    public string? TracepointName { get; }

    /// <summary>The kernel function of a kprobe perf_event link, else null.</summary>
    public string? FunctionName { get; init; }

    /// <summary>The file of a uprobe perf_event link or a uprobe_multi link, else null.</summary>
    public string? FileName { get; init; }

    /// <summary>The target of an iterator link ("bpf_map_elem", "task"), else null.</summary>
    public string? IteratorTarget { get; init; }

    /// <summary>The probed addresses of a kprobe_multi link, in the kernel's order.</summary>
    public IReadOnlyList<ulong> Addresses { get; init; } = [];

    /// <summary>The probed file offsets of a uprobe_multi link.</summary>
    public IReadOnlyList<ulong> Offsets { get; init; } = [];

    /// <summary>The reference counter offsets of a uprobe_multi link, one per probe.</summary>
    public IReadOnlyList<ulong> RefCounterOffsets { get; init; } = [];

    /// <summary>The BPF cookies of a kprobe_multi or uprobe_multi link, one per probe.</summary>
    public IReadOnlyList<ulong> Cookies { get; init; } = [];
}
