using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Printing;

/// <summary>What <c>bpftool prog show</c> prints about one program: its info, full name and fdinfo memlock.</summary>
public sealed class ProgramShowEntry
{
    /// <summary>The kernel's info, with the map ids.</summary>
    public required ProgramInfo Info { get; init; }

    /// <summary>
    /// The name bpftool prints (get_prog_full_name): the kernel's 15-byte name, or when it was cut
    /// there, the name of the program's first BTF function.
    /// </summary>
    public required string FullName { get; init; }

    /// <summary>fdinfo memlock (bytes, as text), or null.</summary>
    public string? Memlock { get; init; }

    /// <summary>Reads the info, full name and fdinfo of an open program.</summary>
    public static ProgramShowEntry Read(KernelProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var info = program.GetInfo();
        return new ProgramShowEntry
        {
            Info = info,
            FullName = FullNameOf(program, info),
            Memlock = FdInfo.Read(program.Fd, "memlock"),
        };
    }

    /// <summary>get_prog_full_name (common.c).</summary>
    public static unsafe string FullNameOf(KernelProgram program, ProgramInfo info)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(info);
        if (info.Name.Length < ObjectName.Length - 1 || info.BtfId == 0 || info.Raw.NrFuncInfo == 0)
            return info.Name;
        try
        {
            Span<uint> record = stackalloc uint[2];
            fixed (uint* p = record)
            {
                var one = new BpfProgInfo { NrFuncInfo = 1, FuncInfoRecSize = Math.Min(info.Raw.FuncInfoRecSize, 8u), FuncInfo = Sys.Pointer(p) };
                Sys.ObjGetInfo(program.Fd, ref one);
                using var btf = KernelBtf.FromId(one.BtfId);
                var spec = btf.ReadSpec();
                if (!spec.Contains(record[1]))
                    return info.Name;
                var func = spec.GetType(record[1]);
                return func.Kind == SharpBpf.ObjectFile.Btf.BtfKind.Func ? func.Name : info.Name;
            }
        }
        catch (Exception e) when (e is BpfException or SharpBpf.Core.Diagnostics.BpfFormatException)
        {
            return info.Name;
        }
    }
}

/// <summary>bpftool's <c>prog show</c> (prog.c, print_prog_plain / print_prog_json), text and JSON.</summary>
public static class ProgramShowPrinter
{
    /// <summary>One program as text. <paramref name="pins"/> is the -f table (null without -f).</summary>
    public static void WritePlain(TextWriter w, ProgramShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        WriteHeaderPlain(w, entry);
        if (info.LoadTime != 0)
            w.Write($"\tloaded_at {BootTime.FormatPlain(info.LoadTime)}  uid {info.CreatedByUid}\n");
        w.Write($"\txlated {(uint)info.XlatedLength}B");
        w.Write(info.JitedLength != 0 ? $"  jited {(uint)info.JitedLength}B" : "  not jited");
        if (entry.Memlock is { } memlock)
            w.Write($"  memlock {memlock}B");
        if (info.MapIds.Count > 0)
            w.Write("  map_ids " + string.Join(',', info.MapIds));
        PinnedObjects.WritePlain(w, pins, info.Id);
        if (info.BtfId != 0)
            w.Write($"\n\tbtf_id {(int)info.BtfId}");
        w.Write('\n');
    }

    /// <summary>print_prog_header_plain: "ID: TYPE  name NAME  tag TAG  gpl" and the run statistics.</summary>
    public static void WriteHeaderPlain(TextWriter w, ProgramShowEntry entry)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        w.Write($"{info.Id}: ");
        w.Write(UapiNames.NameOf(info.Type) is { } type ? $"{type}  " : $"type {(uint)info.Type}  ");
        if (info.Name.Length > 0)
            w.Write($"name {entry.FullName}  ");
        w.Write($"tag {info.Tag}");
        MapShowPrinter.WriteDevicePlain(w, info.Ifindex);
        if (info.GplCompatible)
            w.Write("  gpl");
        if (info.RunTimeNanoseconds != 0)
            w.Write($" run_time_ns {info.RunTimeNanoseconds} run_cnt {info.RunCount}");
        if (info.RecursionMisses != 0)
            w.Write($" recursion_misses {info.RecursionMisses}");
        w.Write('\n');
    }

    /// <summary>One program as a JSON object.</summary>
    public static void WriteJson(BpftoolJsonWriter j, ProgramShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        j.StartObject();
        WriteHeaderJson(j, entry);
        MapShowPrinter.WriteDeviceJson(j, info.Ifindex, info.Raw.NetnsDev, info.Raw.NetnsIno);
        if (info.LoadTime != 0)
        {
            j.Name("loaded_at");
            j.Raw(BootTime.EpochSeconds(info.LoadTime).ToString(CultureInfo.InvariantCulture));
            j.UIntField("uid", info.CreatedByUid);
        }
        j.UIntField("bytes_xlated", (uint)info.XlatedLength);
        if (info.JitedLength != 0)
        {
            j.BoolField("jited", true);
            j.UIntField("bytes_jited", (uint)info.JitedLength);
        }
        else
        {
            j.BoolField("jited", false);
        }
        if (entry.Memlock is { } memlock)
            j.IntField("bytes_memlock", FdInfo.Atoi(memlock));
        if (info.MapIds.Count > 0)
        {
            j.Name("map_ids");
            j.StartArray();
            foreach (uint id in info.MapIds)
                j.UInt(id);
            j.EndArray();
        }
        if (info.BtfId != 0)
            j.IntField("btf_id", (int)info.BtfId);
        j.PinnedField(pins, info.Id);
        j.EndObject();
    }

    /// <summary>print_prog_header_json: id, type, name, tag, gpl_compatible and the run statistics.</summary>
    public static void WriteHeaderJson(BpftoolJsonWriter j, ProgramShowEntry entry)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        j.UIntField("id", info.Id);
        if (UapiNames.NameOf(info.Type) is { } type)
            j.StringField("type", type);
        else
            j.UIntField("type", (uint)info.Type);
        if (info.Name.Length > 0)
            j.StringField("name", entry.FullName);
        j.Name("tag");
        j.Raw("\"" + info.Tag + "\"");
        j.BoolField("gpl_compatible", info.GplCompatible);
        if (info.RunTimeNanoseconds != 0)
        {
            j.UIntField("run_time_ns", info.RunTimeNanoseconds);
            j.UIntField("run_cnt", info.RunCount);
        }
        if (info.RecursionMisses != 0)
            j.UIntField("recursion_misses", info.RecursionMisses);
    }
}

/// <summary>
/// bpftool's print_boot_time (prog.c): a load time in nanoseconds since boot as wall-clock time,
/// CLOCK_REALTIME minus CLOCK_BOOTTIME plus the load time; local time "%FT%T%z" in text, epoch
/// seconds in JSON.
/// </summary>
public static class BootTime
{
    /// <summary>The load time as seconds since the epoch.</summary>
    public static unsafe long EpochSeconds(ulong nanosecondsSinceBoot)
    {
        long* real = stackalloc long[2];
        long* boot = stackalloc long[2];
        if (Libc.ClockGettime(Libc.ClockRealtime, real) != 0 || Libc.ClockGettime(Libc.ClockBoottime, boot) != 0)
            return (long)(nanosecondsSinceBoot / 1_000_000_000);
        return real[0] - boot[0] + (real[1] - boot[1] + (long)nanosecondsSinceBoot) / 1_000_000_000;
    }

    /// <summary>The load time as local time, strftime's "%FT%T%z" (2024-03-01T12:00:00+0000).</summary>
    public static string FormatPlain(ulong nanosecondsSinceBoot)
    {
        var local = DateTimeOffset.FromUnixTimeSeconds(EpochSeconds(nanosecondsSinceBoot)).ToLocalTime();
        var offset = local.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) +
            sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }
}
