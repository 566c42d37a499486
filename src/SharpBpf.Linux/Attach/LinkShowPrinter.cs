using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// bpftool's <c>link show</c> (tools/bpf/bpftool/link.c, show_link_close_plain / _json) as the
/// bpftool of Linux 6.18 prints it: the header, then each link type's details (tracepoint,
/// attach type, cgroup, ifindex and device, perf event, uprobe_multi, ...), then the -f pins.
/// bpftool 7.1 (Linux 6.1) prints the same for the link types it knows, except that it has no
/// details for xdp, perf_event and kprobe_multi links (only the header) and prints links newer
/// than itself (netfilter, tcx, uprobe_multi, netkit, sockmap, struct_ops) as "type N".
/// </summary>
public static class LinkShowPrinter
{
    // include/uapi/linux/bpf.h, enum bpf_perf_event_type.
    private const uint PerfUprobe = 1, PerfUretprobe = 2, PerfKprobe = 3, PerfKretprobe = 4, PerfTracepoint = 5, PerfEvent = 6;

    // BPF_F_KPROBE_MULTI_RETURN, BPF_F_UPROBE_MULTI_RETURN.
    private const uint MultiReturn = 1;

    /// <summary>One link as text. <paramref name="pins"/> is the -f table (null without -f).</summary>
    public static void WritePlain(TextWriter w, LinkShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins = null,
        KernelSymbols? symbols = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        var raw = info.Raw;
        w.Write($"{info.Id}: ");
        w.Write(UapiNames.NameOf(info.Type) is { } typeName ? $"{typeName}  " : $"type {(uint)info.Type}  ");
        w.Write(info.Type == LinkType.StructOps ? $"map {raw.StructOpsMapId}  " : $"prog {info.ProgramId}  ");
        switch (info.Type)
        {
            case LinkType.RawTracepoint:
                w.Write($"\n\ttp '{info.TracepointName}'  ");
                break;
            case LinkType.Tracing:
                if (entry.ProgramType is { } programType)
                    w.Write(UapiNames.NameOf(programType) is { } p ? $"\n\tprog_type {p}  " : $"\n\tprog_type {(uint)programType}  ");
                WriteAttachTypePlain(w, raw.TracingAttachType);
                if (raw.TracingTargetObjId != 0 || raw.TracingTargetBtfId != 0)
                    w.Write($"\n\ttarget_obj_id {raw.TracingTargetObjId}  target_btf_id {raw.TracingTargetBtfId}  ");
                break;
            case LinkType.Cgroup:
                w.Write($"\n\tcgroup_id {raw.CgroupCgroupId}  ");
                WriteAttachTypePlain(w, raw.CgroupAttachType);
                break;
            case LinkType.Iter:
                WriteIteratorPlain(w, info);
                break;
            case LinkType.Netns:
                w.Write($"\n\tnetns_ino {raw.NetnsNetnsIno}  ");
                WriteAttachTypePlain(w, raw.NetnsAttachType);
                break;
            case LinkType.Netfilter:
                WriteNetfilterPlain(w, raw);
                break;
            case LinkType.Tcx:
                w.Write("\n\t");
                WriteIfindexPlain(w, raw.TcxIfindex);
                WriteAttachTypePlain(w, raw.TcxAttachType);
                break;
            case LinkType.Netkit:
                w.Write("\n\t");
                WriteIfindexPlain(w, raw.NetkitIfindex);
                WriteAttachTypePlain(w, raw.NetkitAttachType);
                break;
            case LinkType.Sockmap:
                w.Write($"\n\tmap_id {raw.SockmapMapId}  ");
                WriteAttachTypePlain(w, raw.SockmapAttachType);
                break;
            case LinkType.Xdp:
                w.Write("\n\t");
                WriteIfindexPlain(w, raw.XdpIfindex);
                break;
            case LinkType.KprobeMulti:
                WriteKprobeMultiPlain(w, info, symbols ?? KernelSymbols.Load());
                break;
            case LinkType.UprobeMulti:
                WriteUprobeMultiPlain(w, info);
                break;
            case LinkType.PerfEvent:
                WritePerfEventPlain(w, info);
                break;
        }
        if (pins is { Count: > 0 } && pins.TryGetValue(info.Id, out var paths))
        {
            foreach (var path in paths)
                w.Write($"\n\tpinned {path}");
        }
        w.Write('\n');
    }

    /// <summary>One link as a JSON object.</summary>
    public static void WriteJson(BpftoolJsonWriter j, LinkShowEntry entry, IReadOnlyDictionary<uint, List<string>>? pins = null,
        KernelSymbols? symbols = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(entry);
        var info = entry.Info;
        var raw = info.Raw;
        j.StartObject();
        j.UIntField("id", info.Id);
        if (UapiNames.NameOf(info.Type) is { } typeName)
            j.StringField("type", typeName);
        else
            j.UIntField("type", (uint)info.Type);
        j.UIntField("prog_id", info.ProgramId);
        switch (info.Type)
        {
            case LinkType.RawTracepoint:
                j.StringField("tp_name", info.TracepointName ?? "");
                break;
            case LinkType.Tracing:
                if (entry.ProgramType is { } programType)
                {
                    if (UapiNames.NameOf(programType) is { } p)
                        j.StringField("prog_type", p);
                    else
                        j.UIntField("prog_type", (uint)programType);
                }
                WriteAttachTypeJson(j, raw.TracingAttachType);
                j.UIntField("target_obj_id", raw.TracingTargetObjId);
                j.UIntField("target_btf_id", raw.TracingTargetBtfId);
                break;
            case LinkType.Cgroup:
                j.UIntField("cgroup_id", raw.CgroupCgroupId);
                WriteAttachTypeJson(j, raw.CgroupAttachType);
                break;
            case LinkType.Iter:
                WriteIteratorJson(j, info);
                break;
            case LinkType.Netns:
                j.UIntField("netns_ino", raw.NetnsNetnsIno);
                WriteAttachTypeJson(j, raw.NetnsAttachType);
                break;
            case LinkType.Netfilter:
                j.UIntField("pf", raw.NetfilterPf);
                j.UIntField("hook", raw.NetfilterHooknum);
                j.IntField("prio", raw.NetfilterPriority);
                j.UIntField("flags", raw.NetfilterFlags);
                break;
            case LinkType.Tcx:
                WriteIfindexJson(j, raw.TcxIfindex);
                WriteAttachTypeJson(j, raw.TcxAttachType);
                break;
            case LinkType.Netkit:
                WriteIfindexJson(j, raw.NetkitIfindex);
                WriteAttachTypeJson(j, raw.NetkitAttachType);
                break;
            case LinkType.Sockmap:
                j.UIntField("map_id", raw.SockmapMapId);
                WriteAttachTypeJson(j, raw.SockmapAttachType);
                break;
            case LinkType.Xdp:
                WriteIfindexJson(j, raw.XdpIfindex);
                break;
            case LinkType.StructOps:
                j.UIntField("map_id", raw.StructOpsMapId);
                break;
            case LinkType.KprobeMulti:
                WriteKprobeMultiJson(j, info, symbols ?? KernelSymbols.Load());
                break;
            case LinkType.UprobeMulti:
                WriteUprobeMultiJson(j, info);
                break;
            case LinkType.PerfEvent:
                WritePerfEventJson(j, info);
                break;
        }
        j.PinnedField(pins, info.Id);
        j.EndObject();
    }

    private static void WriteAttachTypePlain(TextWriter w, uint attachType) =>
        w.Write(UapiNames.NameOf((AttachType)attachType) is { } name ? $"attach_type {name}  " : $"attach_type {attachType}  ");

    private static void WriteAttachTypeJson(BpftoolJsonWriter j, uint attachType)
    {
        if (UapiNames.NameOf((AttachType)attachType) is { } name)
            j.StringField("attach_type", name);
        else
            j.UIntField("attach_type", attachType);
    }

    // show_link_ifindex_plain: "NAME(N)" when the interface is in this namespace, "(unknown)" when
    // not, "(detached)" when the device went away (ifindex 0).
    private static void WriteIfindexPlain(TextWriter w, uint ifindex)
    {
        string device = ifindex == 0 ? "(detached)"
            : NetDevice.NameOf((int)ifindex) is { } name ? $"{name}({(int)ifindex})" : "(unknown)";
        w.Write($"ifindex {device}  ");
    }

    private static void WriteIfindexJson(BpftoolJsonWriter j, uint ifindex)
    {
        j.StringField("devname", ifindex == 0 ? "(detached)" : NetDevice.NameOf((int)ifindex) ?? "(unknown)");
        j.UIntField("ifindex", ifindex);
    }

    private static bool IsIteratorMap(string target) => target is "bpf_map_elem" or "bpf_sk_storage_map";

    private static bool IsIteratorTask(string target) => target is "task" or "task_file" or "task_vma";

    // cgroup_order_string: enum bpf_cgroup_iter_order.
    private static string CgroupOrder(uint order) => order switch
    {
        0 => "order_unspec",
        1 => "self_only",
        2 => "descendants_pre",
        3 => "descendants_post",
        4 => "ancestors_up",
        _ => "unknown",
    };

    private static void WriteIteratorPlain(TextWriter w, LinkInfo info)
    {
        string target = info.IteratorTarget ?? "";
        var raw = info.Raw;
        w.Write($"target_name {target}  ");
        if (IsIteratorMap(target))
        {
            w.Write($"map_id {raw.IterMapMapId}  ");
        }
        else if (IsIteratorTask(target))
        {
            if (raw.IterTaskTid != 0)
                w.Write($"tid {raw.IterTaskTid} ");
            else if (raw.IterTaskPid != 0)
                w.Write($"pid {raw.IterTaskPid} ");
        }
        if (target == "cgroup")
        {
            w.Write($"cgroup_id {raw.IterCgroupCgroupId}  ");
            w.Write($"order {CgroupOrder(raw.IterCgroupOrder)}  ");
        }
    }

    private static void WriteIteratorJson(BpftoolJsonWriter j, LinkInfo info)
    {
        string target = info.IteratorTarget ?? "";
        var raw = info.Raw;
        j.StringField("target_name", target);
        if (IsIteratorMap(target))
        {
            j.UIntField("map_id", raw.IterMapMapId);
        }
        else if (IsIteratorTask(target))
        {
            if (raw.IterTaskTid != 0)
                j.UIntField("tid", raw.IterTaskTid);
            else if (raw.IterTaskPid != 0)
                j.UIntField("pid", raw.IterTaskPid);
        }
        if (target == "cgroup")
        {
            j.UIntField("cgroup_id", raw.IterCgroupCgroupId);
            j.StringField("order", CgroupOrder(raw.IterCgroupOrder));
        }
    }

    // netfilter_dump_plain: include/uapi/linux/netfilter.h NFPROTO_* and the hook names.
    private static void WriteNetfilterPlain(TextWriter w, in Native.BpfLinkInfo raw)
    {
        uint pf = raw.NetfilterPf, hook = raw.NetfilterHooknum;
        string? pfName = pf switch { 1 => "inet", 2 => "ip", 3 => "arp", 5 => "netdev", 7 => "bridge", 10 => "ip6", _ => null };
        string[] inet = ["prerouting", "input", "forward", "output", "postrouting"];
        string[] arp = ["input", "output"];
        string? hookName = pf switch
        {
            7 or 2 or 10 or 1 => hook < inet.Length ? inet[hook] : null,
            3 => hook < arp.Length ? arp[hook] : null,
            _ => null,
        };
        w.Write(pfName is not null ? $"\n\t{pfName}" : $"\n\tpf: {(int)pf}");
        w.Write(hookName is not null ? $" {hookName}" : $", hook {hook},");
        w.Write($" prio {raw.NetfilterPriority}");
        if (raw.NetfilterFlags != 0)
            w.Write($" flags 0x{raw.NetfilterFlags:x}");
    }

    private static void WritePerfEventPlain(TextWriter w, LinkInfo info)
    {
        var raw = info.Raw;
        switch (raw.PerfEventType)
        {
            case PerfEvent:
            {
                w.Write("\n\tevent ");
                uint type = raw.PerfEventEventType;
                w.Write(PerfEventNames.TypeName(type) is { } t ? $"{t}:" : $"{type} :");
                w.Write(PerfEventNames.ConfigName(type, raw.PerfEventEventConfig) is { } c ? $"{c}  " : $"{raw.PerfEventEventConfig}  ");
                if (raw.PerfEventEventCookie != 0)
                    w.Write($"cookie {raw.PerfEventEventCookie}  ");
                break;
            }
            case PerfTracepoint:
                if (string.IsNullOrEmpty(info.TracepointName))
                    break;
                w.Write($"\n\ttracepoint {info.TracepointName}  ");
                if (raw.PerfEventTracepointCookie != 0)
                    w.Write($"cookie {raw.PerfEventTracepointCookie}  ");
                break;
            case PerfKprobe or PerfKretprobe:
            {
                string name = info.FunctionName ?? "";
                if (name.Length == 0 && raw.PerfEventKprobeAddr == 0)
                    break;
                w.Write(raw.PerfEventType == PerfKretprobe ? "\n\tkretprobe " : "\n\tkprobe ");
                if (raw.PerfEventKprobeAddr != 0)
                    w.Write($"{raw.PerfEventKprobeAddr:x} ");
                w.Write(name);
                if (raw.PerfEventKprobeOffset != 0)
                    w.Write($"+{CHex(raw.PerfEventKprobeOffset)}");
                if (raw.PerfEventKprobeMissed != 0)
                    w.Write($"  missed {raw.PerfEventKprobeMissed}");
                if (raw.PerfEventKprobeCookie != 0)
                    w.Write($"  cookie {raw.PerfEventKprobeCookie}");
                w.Write("  ");
                break;
            }
            case PerfUprobe or PerfUretprobe:
            {
                string file = info.FileName ?? "";
                if (file.Length == 0)
                    break;
                w.Write(raw.PerfEventType == PerfUretprobe ? "\n\turetprobe " : "\n\tuprobe ");
                w.Write($"{file}+{CHex(raw.PerfEventUprobeOffset)}  ");
                if (raw.PerfEventUprobeCookie != 0)
                    w.Write($"cookie {raw.PerfEventUprobeCookie}  ");
                break;
            }
        }
    }

    private static void WritePerfEventJson(BpftoolJsonWriter j, LinkInfo info)
    {
        var raw = info.Raw;
        switch (raw.PerfEventType)
        {
            case PerfEvent:
            {
                uint type = raw.PerfEventEventType;
                if (PerfEventNames.TypeName(type) is { } t)
                    j.StringField("event_type", t);
                else
                    j.UIntField("event_type", type);
                if (PerfEventNames.ConfigName(type, raw.PerfEventEventConfig) is { } c)
                    j.StringField("event_config", c);
                else
                    j.UIntField("event_config", raw.PerfEventEventConfig);
                j.UIntField("cookie", raw.PerfEventEventCookie);
                break;
            }
            case PerfTracepoint:
                j.StringField("tracepoint", info.TracepointName ?? "");
                j.UIntField("cookie", raw.PerfEventTracepointCookie);
                break;
            case PerfKprobe or PerfKretprobe:
                j.BoolField("retprobe", raw.PerfEventType == PerfKretprobe);
                j.UIntField("addr", raw.PerfEventKprobeAddr);
                j.StringField("func", info.FunctionName ?? "");
                j.UIntField("offset", raw.PerfEventKprobeOffset);
                j.UIntField("missed", raw.PerfEventKprobeMissed);
                j.UIntField("cookie", raw.PerfEventKprobeCookie);
                break;
            case PerfUprobe or PerfUretprobe:
                j.BoolField("retprobe", raw.PerfEventType == PerfUretprobe);
                j.StringField("file", info.FileName ?? "");
                j.UIntField("offset", raw.PerfEventUprobeOffset);
                j.UIntField("cookie", raw.PerfEventUprobeCookie);
                break;
        }
    }

    // The probes sorted by address, each with its kallsyms name (bpftool walks kallsyms in order).
    private static List<(ulong Address, ulong Cookie, string Name)> KprobeFunctions(LinkInfo info, KernelSymbols symbols)
    {
        var found = new List<(ulong, ulong, string)>();
        var probes = info.Addresses.Select((a, i) => (Address: a, Cookie: i < info.Cookies.Count ? info.Cookies[i] : 0)).OrderBy(p => p.Address);
        foreach (var (address, cookie) in probes)
        {
            if (symbols.Find(address) is { } name)
                found.Add((address, cookie, name));
        }
        return found;
    }

    private static void WriteKprobeMultiPlain(TextWriter w, LinkInfo info, KernelSymbols symbols)
    {
        var raw = info.Raw;
        if (raw.KprobeMultiCount == 0)
            return;
        w.Write((raw.KprobeMultiFlags & MultiReturn) != 0 ? "\n\tkretprobe.multi  " : "\n\tkprobe.multi  ");
        w.Write($"func_cnt {raw.KprobeMultiCount}  ");
        if (raw.KprobeMultiMissed != 0)
            w.Write($"missed {raw.KprobeMultiMissed}  ");
        var functions = KprobeFunctions(info, symbols);
        if (functions.Count == 0)
            return;
        w.Write(string.Create(CultureInfo.InvariantCulture, $"\n\t{"addr",-16} {"cookie",-16} func [module]"));
        foreach (var (address, cookie, name) in functions)
            w.Write(string.Create(CultureInfo.InvariantCulture, $"\n\t{address:x16} {cookie.ToString("x", CultureInfo.InvariantCulture),-16} {name}  "));
    }

    private static void WriteKprobeMultiJson(BpftoolJsonWriter j, LinkInfo info, KernelSymbols symbols)
    {
        var raw = info.Raw;
        j.BoolField("retprobe", (raw.KprobeMultiFlags & MultiReturn) != 0);
        j.UIntField("func_cnt", raw.KprobeMultiCount);
        j.UIntField("missed", raw.KprobeMultiMissed);
        j.Name("funcs");
        j.StartArray();
        foreach (var (address, cookie, name) in KprobeFunctions(info, symbols))
        {
            j.StartObject();
            j.UIntField("addr", address);
            j.StringField("func", name);
            j.NullField("module");
            j.UIntField("cookie", cookie);
            j.EndObject();
        }
        j.EndArray();
    }

    private static void WriteUprobeMultiPlain(TextWriter w, LinkInfo info)
    {
        var raw = info.Raw;
        if (raw.UprobeMultiCount == 0)
            return;
        w.Write((raw.UprobeMultiFlags & MultiReturn) != 0 ? "\n\turetprobe.multi  " : "\n\tuprobe.multi  ");
        w.Write($"path {info.FileName}  ");
        w.Write($"func_cnt {raw.UprobeMultiCount}  ");
        if (raw.UprobeMultiPid != 0)
            w.Write($"pid {(int)raw.UprobeMultiPid}  ");
        w.Write(string.Create(CultureInfo.InvariantCulture, $"\n\t{"offset",-16}   {"ref_ctr_offset",-16}   {"cookies",-16}"));
        for (int i = 0; i < info.Offsets.Count; i++)
        {
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"\n\t0x{Hex(info.Offsets[i]),-16} 0x{Hex(At(info.RefCounterOffsets, i)),-16} 0x{Hex(At(info.Cookies, i)),-16}"));
        }
    }

    private static void WriteUprobeMultiJson(BpftoolJsonWriter j, LinkInfo info)
    {
        var raw = info.Raw;
        j.BoolField("retprobe", (raw.UprobeMultiFlags & MultiReturn) != 0);
        j.StringField("path", info.FileName ?? "");
        j.UIntField("func_cnt", raw.UprobeMultiCount);
        j.IntField("pid", (int)raw.UprobeMultiPid);
        j.Name("funcs");
        j.StartArray();
        for (int i = 0; i < info.Offsets.Count; i++)
        {
            j.StartObject();
            j.UIntField("offset", info.Offsets[i]);
            j.UIntField("ref_ctr_offset", At(info.RefCounterOffsets, i));
            j.UIntField("cookie", At(info.Cookies, i));
            j.EndObject();
        }
        j.EndArray();
    }

    private static ulong At(IReadOnlyList<ulong> values, int i) => i < values.Count ? values[i] : 0;

    private static string Hex(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);

    // printf's "%#x": "0x" and hex digits, but a bare "0" for zero.
    private static string CHex(uint value) => value == 0 ? "0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
