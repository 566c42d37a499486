using System.Globalization;
using SharpBpf.Core;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// What <c>bpftool map show</c> prints about one map: its info and the fdinfo fields the kernel
/// writes for it (memlock, frozen, and for program arrays owner_prog_type / owner_jited).
/// </summary>
public sealed class MapShowEntry
{
    /// <summary>The kernel's info.</summary>
    public required MapInfo Info { get; init; }

    /// <summary>fdinfo memlock (bytes, as text), or null.</summary>
    public string? Memlock { get; init; }

    /// <summary>fdinfo frozen, or null.</summary>
    public string? Frozen { get; init; }

    /// <summary>fdinfo owner_prog_type of a program array, or null.</summary>
    public string? OwnerProgramType { get; init; }

    /// <summary>fdinfo owner_jited of a program array, or null.</summary>
    public string? OwnerJited { get; init; }

    /// <summary>Reads the info and fdinfo of an open map.</summary>
    public static MapShowEntry Read(KernelMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var info = map.GetInfo();
        bool progArray = info.Type == MapType.ProgArray;
        return new MapShowEntry
        {
            Info = info,
            Memlock = FdInfo.Read(map.Fd, "memlock"),
            Frozen = FdInfo.Read(map.Fd, "frozen"),
            OwnerProgramType = progArray ? FdInfo.Read(map.Fd, "owner_prog_type") : null,
            OwnerJited = progArray ? FdInfo.Read(map.Fd, "owner_jited") : null,
        };
    }
}

/// <summary>bpftool's <c>map show</c> (map.c, show_map_close_plain / show_map_close_json), text and JSON.</summary>
public static class MapShowPrinter
{
    /// <summary>One map as text. <paramref name="pins"/> is the -f table (null without -f); its paths show when it has any.</summary>
    public static void WritePlain(TextWriter w, MapShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        WriteHeaderPlain(w, info);
        w.Write($"\tkey {(uint)info.KeySize}B  value {(uint)info.ValueSize}B  max_entries {(uint)info.MaxEntries}");
        if (entry.Memlock is { } memlock)
            w.Write($"  memlock {memlock}B");
        if (info.Type == MapType.ProgArray)
        {
            if (entry.OwnerProgramType is not null || entry.OwnerJited is not null)
                w.Write("\n\t");
            if (entry.OwnerProgramType is { } owner)
            {
                uint type = (uint)FdInfo.Atoi(owner);
                w.Write(ProgramTypeName(type) is { } name ? $"owner_prog_type {name}  " : $"owner_prog_type {(int)type}  ");
            }
            if (entry.OwnerJited is { } jited)
                w.Write(FdInfo.Atoi(jited) != 0 ? "owner jited" : "owner not jited");
        }
        PinnedObjects.WritePlain(w, pins, info.Id);
        long frozen = FdInfo.Atoi(entry.Frozen);
        if (info.BtfId != 0 || frozen != 0)
            w.Write("\n\t");
        if (info.BtfId != 0)
            w.Write($"btf_id {(int)info.BtfId}");
        if (frozen != 0)
            w.Write(info.BtfId != 0 ? "  frozen" : "frozen");
        w.Write('\n');
    }

    /// <summary>One map as a JSON object.</summary>
    public static void WriteJson(BpftoolJsonWriter j, MapShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        j.StartObject();
        WriteHeaderJson(j, info);
        WriteDeviceJson(j, info.Ifindex, info.Raw.NetnsDev, info.Raw.NetnsIno);
        j.UIntField("bytes_key", (uint)info.KeySize);
        j.UIntField("bytes_value", (uint)info.ValueSize);
        j.UIntField("max_entries", (uint)info.MaxEntries);
        if (entry.Memlock is { } memlock)
            j.IntField("bytes_memlock", FdInfo.Atoi(memlock));
        if (info.Type == MapType.ProgArray)
        {
            if (entry.OwnerProgramType is { } owner)
            {
                uint type = (uint)FdInfo.Atoi(owner);
                if (ProgramTypeName(type) is { } name)
                    j.StringField("owner_prog_type", name);
                else
                    j.UIntField("owner_prog_type", type);
            }
            if (entry.OwnerJited is { } jited)
                j.BoolField("owner_jited", FdInfo.Atoi(jited) != 0);
        }
        j.IntField("frozen", FdInfo.Atoi(entry.Frozen));
        if (info.BtfId != 0)
            j.IntField("btf_id", (int)info.BtfId);
        j.PinnedField(pins, info.Id);
        j.EndObject();
    }

    /// <summary>show_map_header_plain: "ID: TYPE  name NAME  flags 0xF" and the line's end.</summary>
    public static void WriteHeaderPlain(TextWriter w, MapInfo info)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(info);
        w.Write($"{info.Id}: ");
        w.Write(UapiNames.NameOf(info.Type) is { } type ? $"{type}  " : $"type {(uint)info.Type}  ");
        if (info.Name.Length > 0)
            w.Write($"name {info.Name}  ");
        w.Write($"flags 0x{(uint)info.Flags:x}");
        WriteDevicePlain(w, info.Ifindex);
        w.Write('\n');
    }

    /// <summary>show_map_header_json: id, type, name, flags.</summary>
    public static void WriteHeaderJson(BpftoolJsonWriter j, MapInfo info)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(info);
        j.UIntField("id", info.Id);
        if (UapiNames.NameOf(info.Type) is { } type)
            j.StringField("type", type);
        else
            j.UIntField("type", (uint)info.Type);
        if (info.Name.Length > 0)
            j.StringField("name", info.Name);
        j.Name("flags");
        j.Raw(((int)info.Flags).ToString(CultureInfo.InvariantCulture));
    }

    internal static string? ProgramTypeName(uint type) => UapiNames.NameOf((ProgramType)type);

    // print_dev_plain / print_dev_json (common.c): an offloaded object's device.
    internal static void WriteDevicePlain(TextWriter w, uint ifindex)
    {
        if (ifindex == 0)
            return;
        w.Write($"  offloaded_to {InterfaceName(ifindex) ?? "ifindex " + ifindex.ToString(CultureInfo.InvariantCulture)}");
    }

    internal static void WriteDeviceJson(BpftoolJsonWriter j, uint ifindex, ulong netnsDev, ulong netnsIno)
    {
        if (ifindex == 0)
            return;
        j.Name("dev");
        j.StartObject();
        j.UIntField("ifindex", ifindex);
        j.UIntField("ns_dev", netnsDev);
        j.UIntField("ns_inode", netnsIno);
        if (InterfaceName(ifindex) is { } name)
            j.StringField("ifname", name);
        j.EndObject();
    }

    private static string? InterfaceName(uint ifindex)
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/sys/class/net"))
            {
                if (File.ReadAllText(Path.Combine(dir, "ifindex")).Trim() == ifindex.ToString(CultureInfo.InvariantCulture))
                    return Path.GetFileName(dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
