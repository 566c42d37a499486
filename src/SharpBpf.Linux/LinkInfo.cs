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

    /// <summary>The tracepoint of a raw tracepoint link, else null.</summary>
    public string? TracepointName { get; }
}
