using SharpBpf.Core;

namespace SharpBpf.Linux.Attach;

/// <summary>What <c>link show</c> prints about one link: its info and, for tracing links, the program's type.</summary>
public sealed class LinkShowEntry
{
    /// <summary>The kernel's view of the link.</summary>
    public required LinkInfo Info { get; init; }

    /// <summary>The type of the link's program (tracing links print it), when it could be read.</summary>
    public ProgramType? ProgramType { get; init; }

    /// <summary>Reads what <c>link show</c> needs about <paramref name="link"/>.</summary>
    public static LinkShowEntry Read(KernelLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var info = link.GetInfo();
        ProgramType? type = null;
        if (info.Type == LinkType.Tracing)
        {
            try
            {
                using var program = KernelProgram.FromId(info.ProgramId);
                type = program.Type;
            }
            catch (BpfException)
            {
                // bpftool's get_prog_info failed: the link is printed without the program's type.
            }
        }
        return new LinkShowEntry { Info = info, ProgramType = type };
    }
}
