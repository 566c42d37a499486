namespace SharpBpf.Verifier.Domains;

/// <summary>What a register holds (the kernel's enum bpf_reg_type, the base types this verifier tracks).</summary>
public enum RegisterType : byte
{
    /// <summary>Never written on this path (or dead): reading it is an error. The top of the type lattice.</summary>
    NotInit,
    /// <summary>A number (SCALAR_VALUE).</summary>
    Scalar,
    /// <summary>The program's context (PTR_TO_CTX): xdp_md, __sk_buff, tracepoint record, ...</summary>
    Ctx,
    /// <summary>A pointer into a stack frame (PTR_TO_STACK; r10 is one with offset 0).</summary>
    Stack,
    /// <summary>A map, as lddw of a map gives it (CONST_PTR_TO_MAP): only helpers take it.</summary>
    MapPtr,
    /// <summary>A pointer into a map value (PTR_TO_MAP_VALUE).</summary>
    MapValue,
    /// <summary>A pointer to a map key (PTR_TO_MAP_KEY, given to for-each callbacks).</summary>
    MapKey,
    /// <summary>A pointer into the packet (PTR_TO_PACKET).</summary>
    Packet,
    /// <summary>The end of the packet (PTR_TO_PACKET_END): only for comparisons.</summary>
    PacketEnd,
    /// <summary>A pointer into the packet's metadata area (PTR_TO_PACKET_META).</summary>
    PacketMeta,
    /// <summary>
    /// A pointer into a memory block of known or tracked size (PTR_TO_MEM): the input buffer of
    /// the memory+length convention, a ring buffer record, helper-returned memory.
    /// </summary>
    Mem,
    /// <summary>The address of a sub-program (lddw BPF_PSEUDO_FUNC), for callback helpers.</summary>
    Func,
}

/// <summary>Modifiers of a pointer type.</summary>
[Flags]
public enum RegisterFlags : byte
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>May be NULL (PTR_MAYBE_NULL): must be compared with 0 before use.</summary>
    MaybeNull = 1,
    /// <summary>Read-only memory (MEM_RDONLY).</summary>
    ReadOnly = 2,
}

/// <summary>Names of types as messages print them.</summary>
public static class RegisterTypeNames
{
    /// <summary>The kernel-style name of a type (map_value_or_null, pkt, pkt_end, ...).</summary>
    public static string Name(RegisterType type, RegisterFlags flags = RegisterFlags.None)
    {
        string b = type switch
        {
            RegisterType.NotInit => "not initialised",
            RegisterType.Scalar => "scalar",
            RegisterType.Ctx => "ctx",
            RegisterType.Stack => "fp",
            RegisterType.MapPtr => "map_ptr",
            RegisterType.MapValue => "map_value",
            RegisterType.MapKey => "map_key",
            RegisterType.Packet => "pkt",
            RegisterType.PacketEnd => "pkt_end",
            RegisterType.PacketMeta => "pkt_meta",
            RegisterType.Mem => "mem",
            RegisterType.Func => "func",
            _ => type.ToString(),
        };
        if ((flags & RegisterFlags.ReadOnly) != 0)
            b = "rdonly_" + b;
        return (flags & RegisterFlags.MaybeNull) != 0 ? b + "_or_null" : b;
    }

    /// <summary>The same in plain words, for sentences ("a map value or NULL").</summary>
    public static string Words(RegisterType type, RegisterFlags flags = RegisterFlags.None)
    {
        string b = type switch
        {
            RegisterType.NotInit => "an uninitialised register",
            RegisterType.Scalar => "a number",
            RegisterType.Ctx => "the context pointer",
            RegisterType.Stack => "a stack pointer",
            RegisterType.MapPtr => "a map",
            RegisterType.MapValue => "a pointer to a map value",
            RegisterType.MapKey => "a pointer to a map key",
            RegisterType.Packet => "a packet pointer",
            RegisterType.PacketEnd => "the packet end pointer",
            RegisterType.PacketMeta => "a packet metadata pointer",
            RegisterType.Mem => "a memory pointer",
            RegisterType.Func => "a function address",
            _ => type.ToString(),
        };
        return (flags & RegisterFlags.MaybeNull) != 0 ? b + " or NULL" : b;
    }
}
