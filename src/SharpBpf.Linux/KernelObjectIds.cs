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

    /// <summary>Every program, opened (the caller disposes each); one unloaded between the walk and the open is skipped.</summary>
    public static IEnumerable<KernelProgram> OpenPrograms() => Open(Programs(), KernelProgram.FromId);

    /// <summary>Every map, opened (the caller disposes each); one freed meanwhile is skipped.</summary>
    public static IEnumerable<KernelMap> OpenMaps() => Open(Maps(), id => KernelMap.FromId(id));

    /// <summary>Every link, opened (the caller disposes each); one released meanwhile is skipped.</summary>
    public static IEnumerable<KernelLink> OpenLinks() => Open(Links(), KernelLink.FromId);

    /// <summary>Every BTF object, opened (the caller disposes each); one freed meanwhile is skipped.</summary>
    public static IEnumerable<KernelBtf> OpenBtfs() => Open(Btfs(), KernelBtf.FromId);

    // An id listed a moment ago may be gone by the time it is opened (ENOENT): bpftool skips it too.
    private static IEnumerable<T> Open<T>(IEnumerable<uint> ids, Func<uint, T> open)
        where T : class
    {
        foreach (uint id in ids)
        {
            T? opened = null;
            try
            {
                opened = open(id);
            }
            catch (BpfException e) when (e.Errno == Errno.ENOENT)
            {
            }
            if (opened is not null)
                yield return opened;
        }
    }

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
