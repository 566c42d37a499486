using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// The ids of every program, map, link and BTF object in the kernel (BPF_*_GET_NEXT_ID), in
/// increasing order, as bpftool walks them. Lazy: objects created or freed meanwhile may or may not appear.
/// </summary>
public static class KernelObjectIds
{
    /// <summary>Program ids.</summary>
    public static IEnumerable<uint> Programs() => Walk(BpfCommand.ProgGetNextId);

    /// <summary>Map ids.</summary>
    public static IEnumerable<uint> Maps() => Walk(BpfCommand.MapGetNextId);

    /// <summary>Link ids.</summary>
    public static IEnumerable<uint> Links() => Walk(BpfCommand.LinkGetNextId);

    /// <summary>BTF ids (vmlinux, modules, and BTF loaded with programs).</summary>
    public static IEnumerable<uint> Btfs() => Walk(BpfCommand.BtfGetNextId);

    private static IEnumerable<uint> Walk(BpfCommand command)
    {
        uint id = 0;
        while (true)
        {
            bool found;
            try
            {
                found = Sys.GetNextId(command, id, out id);
            }
            catch (BpfException e)
            {
                throw e.WithContext("list ids");
            }
            if (!found)
                yield break;
            yield return id;
        }
    }
}
