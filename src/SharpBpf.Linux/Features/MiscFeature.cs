namespace SharpBpf.Linux.Features;

/// <summary>
/// Facilities beside program, map and attach types: instruction set extensions, verifier
/// abilities, BTF kinds and the like. The first four are bpftool's "miscellaneous eBPF features".
/// </summary>
public enum MiscFeature
{
    /// <summary>Programs of more than 4096 instructions (the 1M-instruction complexity limit).</summary>
    LargeInsnLimit,
    /// <summary>Loops the verifier can bound.</summary>
    BoundedLoops,
    /// <summary>BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE.</summary>
    V2IsaExtension,
    /// <summary>BPF_JMP32 and 32-bit ALU on every operation (cpu=v3).</summary>
    V3IsaExtension,
    /// <summary>Sign-extending moves and loads, signed division, unconditional byte swap, gotol (cpu=v4).</summary>
    V4IsaExtension,
    /// <summary>Calls from one BPF function to another.</summary>
    BpfToBpfCalls,
    /// <summary>Atomic add/and/or/xor with fetch, xchg and cmpxchg.</summary>
    Atomics,
    /// <summary>Load-acquire and store-release atomic instructions.</summary>
    LoadAcquireStoreRelease,
    /// <summary>The may_goto instruction (BPF_JCOND).</summary>
    MayGoto,
    /// <summary>Calls to kernel functions by BTF id (BPF_PSEUDO_KFUNC_CALL).</summary>
    KfuncCalls,
    /// <summary>ld_imm64 of a pointer into a map value (BPF_PSEUDO_MAP_VALUE): global data.</summary>
    GlobalData,
    /// <summary>Array maps userspace can mmap (BPF_F_MMAPABLE).</summary>
    MmapableMaps,
    /// <summary>BTF at all (BPF_BTF_LOAD).</summary>
    Btf,
    /// <summary>BTF_KIND_FUNC and BTF_KIND_FUNC_PROTO.</summary>
    BtfFunc,
    /// <summary>BTF functions with global linkage (verified one by one).</summary>
    BtfGlobalFunc,
    /// <summary>BTF_KIND_VAR and BTF_KIND_DATASEC.</summary>
    BtfDatasec,
    /// <summary>BTF_KIND_FLOAT.</summary>
    BtfFloat,
    /// <summary>BTF_KIND_DECL_TAG.</summary>
    BtfDeclTag,
    /// <summary>BTF_KIND_TYPE_TAG.</summary>
    BtfTypeTag,
    /// <summary>BTF_KIND_ENUM64.</summary>
    BtfEnum64,
    /// <summary>bpf_get_attach_cookie: a value given at attach time, read by the program.</summary>
    BpfCookie,
    /// <summary>The BPF ring buffer (BPF_MAP_TYPE_RINGBUF).</summary>
    Ringbuf,
    /// <summary>System calls entered through arch wrappers (__x64_sys_*), which kprobes on syscalls must name.</summary>
    SyscallWrapper,
    /// <summary>BPF tokens (BPF_TOKEN_CREATE): delegated bpf(2) rights from a bpffs instance.</summary>
    BpfToken,
}
