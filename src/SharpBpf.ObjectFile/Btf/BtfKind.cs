namespace SharpBpf.ObjectFile.Btf;

/// <summary>BTF type kinds (include/uapi/linux/btf.h, BTF_KIND_*).</summary>
public enum BtfKind : byte
{
    /// <summary>BTF_KIND_UNKN: void (id 0) or unknown.</summary>
    Unknown = 0,
    /// <summary>BTF_KIND_INT.</summary>
    Int = 1,
    /// <summary>BTF_KIND_PTR.</summary>
    Ptr = 2,
    /// <summary>BTF_KIND_ARRAY.</summary>
    Array = 3,
    /// <summary>BTF_KIND_STRUCT.</summary>
    Struct = 4,
    /// <summary>BTF_KIND_UNION.</summary>
    Union = 5,
    /// <summary>BTF_KIND_ENUM (up to 32-bit values).</summary>
    Enum = 6,
    /// <summary>BTF_KIND_FWD: forward declaration of a struct or union.</summary>
    Fwd = 7,
    /// <summary>BTF_KIND_TYPEDEF.</summary>
    Typedef = 8,
    /// <summary>BTF_KIND_VOLATILE.</summary>
    Volatile = 9,
    /// <summary>BTF_KIND_CONST.</summary>
    Const = 10,
    /// <summary>BTF_KIND_RESTRICT.</summary>
    Restrict = 11,
    /// <summary>BTF_KIND_FUNC.</summary>
    Func = 12,
    /// <summary>BTF_KIND_FUNC_PROTO.</summary>
    FuncProto = 13,
    /// <summary>BTF_KIND_VAR.</summary>
    Var = 14,
    /// <summary>BTF_KIND_DATASEC.</summary>
    Datasec = 15,
    /// <summary>BTF_KIND_FLOAT.</summary>
    Float = 16,
    /// <summary>BTF_KIND_DECL_TAG.</summary>
    DeclTag = 17,
    /// <summary>BTF_KIND_TYPE_TAG.</summary>
    TypeTag = 18,
    /// <summary>BTF_KIND_ENUM64.</summary>
    Enum64 = 19,
}

/// <summary>Names of kinds as bpftool prints them.</summary>
public static class BtfKindNames
{
    private static readonly string[] Names =
    [
        "UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE", "CONST", "RESTRICT",
        "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
    ];

    /// <summary>The kind's upper-case name (<c>FUNC_PROTO</c>).</summary>
    public static string Of(BtfKind kind) => (int)kind < Names.Length ? Names[(int)kind] : "UNKNOWN";

    /// <summary>Highest kind this reader knows.</summary>
    public const BtfKind Max = BtfKind.Enum64;
}
