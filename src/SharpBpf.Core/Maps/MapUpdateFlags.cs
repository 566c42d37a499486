namespace SharpBpf.Core.Maps;

/// <summary>
/// The flags of a map update (include/uapi/linux/bpf.h: BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK),
/// with the same meaning in every engine.
/// </summary>
[Flags]
public enum MapUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create the element or replace it.</summary>
    Any = 0,

    /// <summary>BPF_NOEXIST: create the element only if the key is absent.</summary>
    NoExist = 1,

    /// <summary>BPF_EXIST: replace the element only if the key is present.</summary>
    Exist = 2,

    /// <summary>BPF_F_LOCK: take the value's bpf_spin_lock while copying.</summary>
    Lock = 4,
}
