namespace SharpBpf.Linux.Printing;

/// <summary>
/// The programs and maps that use each BTF object, as bpftool's btf show gathers them
/// (btf.c, build_btf_tables): every program and map in id order, filed under its btf_id in
/// libbpf's hashmap order.
/// </summary>
public sealed class BtfUsers
{
    private BtfUsers(IReadOnlyDictionary<uint, List<uint>> programs, IReadOnlyDictionary<uint, List<uint>> maps)
    {
        Programs = programs;
        Maps = maps;
    }

    /// <summary>Program ids by BTF id.</summary>
    public IReadOnlyDictionary<uint, List<uint>> Programs { get; }

    /// <summary>Map ids by BTF id.</summary>
    public IReadOnlyDictionary<uint, List<uint>> Maps { get; }

    /// <summary>Walks the kernel's programs and maps (objects freed meanwhile are skipped).</summary>
    public static BtfUsers Read()
    {
        var programs = new List<(uint, uint)>();
        foreach (var p in KernelObjectIds.OpenPrograms())
        {
            using (p)
            {
                var info = p.GetInfo();
                if (info.BtfId != 0)
                    programs.Add((info.BtfId, info.Id));
            }
        }
        var maps = new List<(uint, uint)>();
        foreach (var m in KernelObjectIds.OpenMaps())
        {
            using (m)
            {
                var info = m.GetInfo();
                if (info.BtfId != 0)
                    maps.Add((info.BtfId, info.Id));
            }
        }
        return new BtfUsers(LibbpfHashmapOrder.Group(programs), LibbpfHashmapOrder.Group(maps));
    }
}

/// <summary>bpftool's <c>btf show</c> (btf.c, show_btf_plain / show_btf_json).</summary>
public static class BtfShowPrinter
{
    /// <summary>"ID: name [vmlinux]  size NB  prog_ids 1,2  map_ids 3".</summary>
    public static void WritePlain(TextWriter w, BtfInfo info, BtfUsers users)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(users);
        w.Write($"{info.Id}: ");
        if (info.IsKernel)
            w.Write($"name [{info.Name}]  ");
        else if (info.Name.Length > 0)
            w.Write($"name {info.Name}  ");
        else
            w.Write("name <anon>  ");
        w.Write($"size {(uint)info.Size}B");
        if (users.Programs.TryGetValue(info.Id, out var programs) && programs.Count > 0)
            w.Write("  prog_ids " + string.Join(',', programs));
        if (users.Maps.TryGetValue(info.Id, out var maps) && maps.Count > 0)
            w.Write("  map_ids " + string.Join(',', maps));
        w.Write('\n');
    }

    /// <summary>{"id", "size", "prog_ids", "map_ids", "kernel", "name"}.</summary>
    public static void WriteJson(BpftoolJsonWriter j, BtfInfo info, BtfUsers users)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(users);
        j.StartObject();
        j.UIntField("id", info.Id);
        j.UIntField("size", (uint)info.Size);
        j.Name("prog_ids");
        j.StartArray();
        if (users.Programs.TryGetValue(info.Id, out var programs))
        {
            foreach (uint id in programs)
                j.UInt(id);
        }
        j.EndArray();
        j.Name("map_ids");
        j.StartArray();
        if (users.Maps.TryGetValue(info.Id, out var maps))
        {
            foreach (uint id in maps)
                j.UInt(id);
        }
        j.EndArray();
        j.BoolField("kernel", info.IsKernel);
        if (info.Name.Length > 0)
            j.StringField("name", info.Name);
        j.EndObject();
    }
}
