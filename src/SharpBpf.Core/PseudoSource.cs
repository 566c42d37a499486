namespace SharpBpf.Core;

/// <summary>The src register values of lddw that make it a pseudo instruction (include/uapi/linux/bpf.h).</summary>
public enum LoadImm64Source : byte
{
    /// <summary>A plain 64-bit immediate.</summary>
    Imm64 = 0,
    /// <summary>BPF_PSEUDO_MAP_FD: imm is a map file descriptor.</summary>
    MapFd = 1,
    /// <summary>BPF_PSEUDO_MAP_VALUE: imm is a map fd, next imm an offset into its value.</summary>
    MapValue = 2,
    /// <summary>BPF_PSEUDO_BTF_ID: imm is a BTF id of a kernel variable.</summary>
    BtfId = 3,
    /// <summary>BPF_PSEUDO_FUNC: imm is a relative instruction offset to a function.</summary>
    Func = 4,
    /// <summary>BPF_PSEUDO_MAP_IDX: imm is an index into fd_array.</summary>
    MapIdx = 5,
    /// <summary>BPF_PSEUDO_MAP_IDX_VALUE: index into fd_array, next imm an offset into the value.</summary>
    MapIdxValue = 6,
}

/// <summary>The src register values of call (include/uapi/linux/bpf.h).</summary>
public enum CallSource : byte
{
    /// <summary>A helper function by its static id.</summary>
    Helper = 0,
    /// <summary>BPF_PSEUDO_CALL: a bpf-to-bpf call, imm is the relative target.</summary>
    Local = 1,
    /// <summary>BPF_PSEUDO_KFUNC_CALL: a kernel function by BTF id.</summary>
    Kfunc = 2,
}
