using SharpBpf.Core;
using SharpBpf.Verifier.Domains;

namespace SharpBpf.Verifier.Programs;

/// <summary>The outcome of a context access: allowed (and what the load gives) or refused (and why).</summary>
/// <param name="Allowed">Whether the access is valid.</param>
/// <param name="Result">For loads, what the destination becomes.</param>
/// <param name="Field">The field's name, for messages ("data_end", "args[2]").</param>
/// <param name="Problem">Why it is refused, in plain words.</param>
internal readonly record struct ContextAccess(bool Allowed, RegisterType Result, string Field, string? Problem);

/// <summary>A field of a context structure.</summary>
/// <param name="Name">The C name.</param>
/// <param name="Offset">Byte offset.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Result">What a load gives: a scalar or a packet pointer.</param>
/// <param name="Narrow">Whether a smaller load of part of the field is allowed (bpf_ctx_narrow_access_ok).</param>
/// <param name="WritableBy">Program types that may store to it.</param>
internal sealed record ContextField(string Name, int Offset, int Size, RegisterType Result = RegisterType.Scalar, bool Narrow = true, ProgramType[]? WritableBy = null);

/// <summary>
/// What r1 is at entry for a program type, which of its bytes may be read or written, and what the
/// program may return (the kernel's *_is_valid_access and check_return_code, per type).
/// </summary>
internal sealed class ProgramContext
{
    /// <summary>The program type.</summary>
    public required ProgramType Type { get; init; }

    /// <summary>The context structure's C name ("xdp_md"), or null for the memory+length convention.</summary>
    public string? StructName { get; init; }

    /// <summary>The context's size in bytes.</summary>
    public int Size { get; init; }

    /// <summary>The memory+length convention: r1 is a buffer, r2 its length.</summary>
    public bool IsMemoryConvention { get; init; }

    /// <summary>Allowed return values of the main program, when checked.</summary>
    public (long Min, long Max)? ReturnRange { get; init; }

    /// <summary>Packet data may be read through data/data_end pointers.</summary>
    public bool PacketRead { get; init; }

    /// <summary>Packet data may be written (may_access_direct_pkt_data with BPF_WRITE).</summary>
    public bool PacketWrite { get; init; }

    /// <summary>LD_ABS/LD_IND are allowed (may_access_skb, or the memory convention).</summary>
    public bool LegacyPacketLoads { get; init; }

    /// <summary>Fields, for structure contexts with a field table.</summary>
    public IReadOnlyList<ContextField> Fields { get; init; } = [];

    /// <summary>Readable window of an untyped context (tracepoint records, raw tracepoint args, pt_regs).</summary>
    public (int From, int To)? RawWindow { get; init; }

    /// <summary>Whether loads must be naturally aligned (off % size == 0).</summary>
    public bool RequireAligned { get; init; } = true;

    /// <summary>Checks a load or store of <paramref name="size"/> bytes at <paramref name="off"/>.</summary>
    public ContextAccess Check(int off, int size, bool write)
    {
        string name = StructName ?? "context";
        if (off < 0 || off + size > Size)
            return new(false, RegisterType.Scalar, $"+{off}", $"{name} is {Size} bytes; offset {off} size {size} is outside it");
        if (RequireAligned && off % size != 0)
            return new(false, RegisterType.Scalar, $"+{off}", $"the access at offset {off} is not aligned to its size {size}");
        if (RawWindow is { } w)
        {
            string field = Type == ProgramType.RawTracepoint || Type == ProgramType.RawTracepointWritable ? $"args[{off / 8}]" : $"+{off}";
            if (write)
                return new(false, RegisterType.Scalar, field, $"the {name} is read-only");
            if (off < w.From || off + size > w.To)
                return new(false, RegisterType.Scalar, field, $"only bytes {w.From}..{w.To - 1} of the {name} can be read");
            if (Type == ProgramType.PerfEvent && off < 168 && size != 8)
                return new(false, RegisterType.Scalar, field, "registers in bpf_perf_event_data are read 8 bytes at a time");
            return new(true, RegisterType.Scalar, field, null);
        }
        foreach (var f in Fields)
        {
            if (off < f.Offset || off >= f.Offset + f.Size)
                continue;
            if (off + size > f.Offset + f.Size)
                return new(false, RegisterType.Scalar, f.Name, $"the access spans beyond field {f.Name} ({f.Size} bytes at offset {f.Offset})");
            if (write)
            {
                if (f.WritableBy is null || Array.IndexOf(f.WritableBy, Type) < 0)
                    return new(false, RegisterType.Scalar, f.Name, $"{name}.{f.Name} is read-only for {ProgramTypeName}");
                if (size != f.Size && f.Size <= 4)
                    return new(false, RegisterType.Scalar, f.Name, $"{name}.{f.Name} must be written whole ({f.Size} bytes)");
                return new(true, RegisterType.Scalar, f.Name, null);
            }
            if (f.Result != RegisterType.Scalar && (size != f.Size || off != f.Offset))
                return new(false, RegisterType.Scalar, f.Name, $"{name}.{f.Name} is a pointer and must be read whole ({f.Size} bytes)");
            if (size != f.Size && !f.Narrow)
                return new(false, RegisterType.Scalar, f.Name, $"{name}.{f.Name} must be read with a {f.Size}-byte load");
            return new(true, f.Result, f.Name, null);
        }
        return new(false, RegisterType.Scalar, $"+{off}", $"{name} has no field at offset {off} that {ProgramTypeName} programs may {(write ? "write" : "read")}");
    }

    private string ProgramTypeName => (UapiNames.NameOf(Type) ?? Type.ToString());

    /// <summary>The context of a program type, or null with the reason when the verifier does not support it.</summary>
    public static ProgramContext? For(ProgramType type, AttachType? attach, out string? unsupported)
    {
        unsupported = null;
        switch (type)
        {
            case ProgramType.Unspec:
                return new ProgramContext { Type = type, IsMemoryConvention = true, LegacyPacketLoads = true };
            case ProgramType.Xdp:
                return new ProgramContext
                {
                    Type = type, StructName = "xdp_md", Size = 24, PacketRead = true, PacketWrite = true,
                    Fields =
                    [
                        new("data", 0, 4, RegisterType.Packet, Narrow: false),
                        new("data_end", 4, 4, RegisterType.PacketEnd, Narrow: false),
                        new("data_meta", 8, 4, RegisterType.PacketMeta, Narrow: false),
                        new("ingress_ifindex", 12, 4, Narrow: false),
                        new("rx_queue_index", 16, 4, Narrow: false),
                        // Only a devmap program knows its egress device (xdp_is_valid_access, net/core/filter.c).
                        .. (attach == AttachType.XdpDevmap ? new ContextField[] { new("egress_ifindex", 20, 4, Narrow: false) } : []),
                    ],
                };
            case ProgramType.SocketFilter:
            case ProgramType.SchedCls:
            case ProgramType.SchedAct:
            case ProgramType.CgroupSkb:
            {
                bool tc = type is ProgramType.SchedCls or ProgramType.SchedAct;
                (long, long)? ret = null;
                if (type == ProgramType.CgroupSkb)
                    ret = attach == AttachType.CgroupInetEgress ? (0, 3) : (0, 1);
                return new ProgramContext
                {
                    Type = type, StructName = "__sk_buff", Size = 192, ReturnRange = ret,
                    PacketRead = type != ProgramType.SocketFilter, PacketWrite = tc,
                    LegacyPacketLoads = type != ProgramType.CgroupSkb,
                    Fields = SkBuffFields(type),
                };
            }
            case ProgramType.Tracepoint:
                // tp_prog_is_valid_access: the record after its 8-byte common header, up to PERF_MAX_TRACE_SIZE.
                return new ProgramContext { Type = type, StructName = "tracepoint record", Size = 2048, RawWindow = (8, 2048) };
            case ProgramType.RawTracepoint:
            case ProgramType.RawTracepointWritable:
                // raw_tp_prog_is_valid_access: args[0..11] (MAX_BPF_FUNC_ARGS u64s).
                return new ProgramContext { Type = type, StructName = "bpf_raw_tracepoint_args", Size = 96, RawWindow = (0, 96) };
            case ProgramType.Kprobe:
                // kprobe_prog_is_valid_access: struct pt_regs (x86-64: 21 registers).
                return new ProgramContext { Type = type, StructName = "pt_regs", Size = 168, RawWindow = (0, 168) };
            case ProgramType.PerfEvent:
                // pe_prog_is_valid_access: regs (8-byte loads), sample_period and addr (narrow loads allowed).
                return new ProgramContext { Type = type, StructName = "bpf_perf_event_data", Size = 184, RawWindow = (0, 184) };
            case ProgramType.Tracing:
            case ProgramType.Lsm:
            case ProgramType.StructOps:
            case ProgramType.Ext:
                unsupported = $"{(UapiNames.NameOf(type) ?? type.ToString())} programs get typed kernel pointers (BTF); verifying them needs the kernel's BTF, which this verifier does not read yet";
                return null;
            default:
                unsupported = $"the context of {(UapiNames.NameOf(type) ?? type.ToString())} programs is not modelled by this verifier yet";
                return null;
        }
    }

    private static ContextField[] SkBuffFields(ProgramType type)
    {
        ProgramType[] tc = [ProgramType.SchedCls, ProgramType.SchedAct];
        ProgramType[] tcCg = [ProgramType.SchedCls, ProgramType.SchedAct, ProgramType.CgroupSkb];
        ProgramType[] all = [ProgramType.SchedCls, ProgramType.SchedAct, ProgramType.CgroupSkb, ProgramType.SocketFilter];
        bool socket = type == ProgramType.SocketFilter;
        var f = new List<ContextField>
        {
            new("len", 0, 4), new("pkt_type", 4, 4), new("mark", 8, 4, WritableBy: tcCg), new("queue_mapping", 12, 4, WritableBy: tc),
            new("protocol", 16, 4), new("vlan_present", 20, 4), new("vlan_tci", 24, 4), new("vlan_proto", 28, 4),
            new("priority", 32, 4, WritableBy: tcCg), new("ingress_ifindex", 36, 4), new("ifindex", 40, 4), new("tc_index", 44, 4, WritableBy: tc),
            new("cb[0]", 48, 4, WritableBy: all), new("cb[1]", 52, 4, WritableBy: all), new("cb[2]", 56, 4, WritableBy: all),
            new("cb[3]", 60, 4, WritableBy: all), new("cb[4]", 64, 4, WritableBy: all),
            new("hash", 68, 4), new("napi_id", 84, 4),
        };
        if (!socket)
        {
            f.Add(new("tc_classid", 72, 4, WritableBy: tc));
            f.Add(new("data", 76, 4, RegisterType.Packet, Narrow: false));
            f.Add(new("data_end", 80, 4, RegisterType.PacketEnd, Narrow: false));
            f.Add(new("data_meta", 140, 4, RegisterType.PacketMeta, Narrow: false));
            f.Add(new("tstamp", 152, 8, Narrow: false, WritableBy: tcCg));
            f.Add(new("wire_len", 160, 4));
        }
        if (type == ProgramType.CgroupSkb)
        {
            // cg_skb_is_valid_access: the socket's addresses and ports are readable.
            f.Add(new("family", 88, 4));
            f.Add(new("remote_ip4", 92, 4));
            f.Add(new("local_ip4", 96, 4));
            for (int i = 0; i < 4; i++)
                f.Add(new($"remote_ip6[{i}]", 100 + 4 * i, 4));
            for (int i = 0; i < 4; i++)
                f.Add(new($"local_ip6[{i}]", 116 + 4 * i, 4));
            f.Add(new("remote_port", 132, 4));
            f.Add(new("local_port", 136, 4));
        }
        f.Add(new("gso_segs", 164, 4));
        f.Add(new("gso_size", 176, 4));
        return [.. f];
    }
}
