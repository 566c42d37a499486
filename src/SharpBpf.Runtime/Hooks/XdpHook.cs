using SharpBpf.Core;

namespace SharpBpf.Runtime.Hooks;

/// <summary>
/// An XDP hook: one program per interface, run over each packet with <c>struct xdp_md</c> as its
/// context; the packet is writable in place. A fault or a return value that is no
/// <see cref="XdpAction"/> counts as XDP_ABORTED, as the kernel's bpf_warn_invalid_xdp_action does.
/// </summary>
public sealed class XdpHook : Hook
{
    /// <summary>An XDP hook for an interface index.</summary>
    public XdpHook(string name = "xdp", uint ifindex = 1) : base(name, ProgramType.Xdp, 24) => Ifindex = ifindex;

    /// <summary>ingress_ifindex as programs see it.</summary>
    public uint Ifindex { get; }

    /// <summary>
    /// Runs the attached program(s) over <paramref name="length"/> bytes of <paramref name="packet"/>
    /// from <paramref name="start"/>; the first verdict other than XDP_PASS wins.
    /// <paramref name="result"/> is the last run's outcome (its error, instruction count).
    /// </summary>
    public XdpAction Run(byte[] packet, int start, int length, out ExecutionResult result, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (start < 0 || length < 0 || (long)start + length > packet.Length)
            throw new ArgumentOutOfRangeException(nameof(length), "packet window outside its array");
        result = default;
        var action = XdpAction.Pass;
        foreach (var program in Programs)
        {
            var context = new byte[XdpContext.Size];
            XdpContext.Fill(context, length, Ifindex, 0);
            result = program.Run(new RunInput(context, context.Length, MemoryRegionKind.Context, false, packet, start, length, 0, LoadedProgram.PacketRegion), options);
            action = result.Error is not null || result.ReturnValue > (ulong)XdpAction.Redirect ? XdpAction.Aborted : (XdpAction)result.ReturnValue;
            if (action != XdpAction.Pass)
                break;
        }
        return action;
    }
}
