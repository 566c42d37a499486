using SharpBpf.Core;

namespace SharpBpf.Linux;

/// <summary>The optional parts of BPF_PROG_LOAD; the loader fills them from a ProgramSpec.</summary>
public sealed class ProgramLoadOptions
{
    /// <summary>The program's name (sanitized and cut to 15 bytes as for maps).</summary>
    public string? Name { get; init; }

    /// <summary>expected_attach_type, required by some program types (cgroup, tracing, ...).</summary>
    public AttachType? ExpectedAttachType { get; init; }

    /// <summary>attach_btf_id: the BTF id of the function or hook a tracing/LSM/ext program attaches to.</summary>
    public uint AttachBtfId { get; init; }

    /// <summary>attach_btf_obj_fd: the module BTF <see cref="AttachBtfId"/> belongs to (null for vmlinux).</summary>
    public KernelBtf? AttachBtfObject { get; init; }

    /// <summary>attach_prog_fd: the BPF program an fentry/fexit/freplace program attaches to.</summary>
    public KernelProgram? AttachProgram { get; init; }

    /// <summary>prog_flags.</summary>
    public ProgramFlags Flags { get; init; }

    /// <summary>kern_version (only kprobes on kernels before 5.0 check it).</summary>
    public uint KernelVersion { get; init; }

    /// <summary>prog_btf_fd: the object's BTF, which <see cref="FuncInfo"/> and <see cref="LineInfo"/> refer to.</summary>
    public KernelBtf? Btf { get; init; }

    /// <summary>func_info records (struct bpf_func_info: insn_off, type_id), <see cref="FuncInfoRecordSize"/> bytes each.</summary>
    public ReadOnlyMemory<byte> FuncInfo { get; init; }

    /// <summary>func_info_rec_size.</summary>
    public int FuncInfoRecordSize { get; init; } = 8;

    /// <summary>line_info records (struct bpf_line_info), <see cref="LineInfoRecordSize"/> bytes each.</summary>
    public ReadOnlyMemory<byte> LineInfo { get; init; }

    /// <summary>line_info_rec_size.</summary>
    public int LineInfoRecordSize { get; init; } = 16;

    /// <summary>fd_array: fds that BPF_PSEUDO_MAP_IDX and kfunc module BTF references index; the caller keeps them open.</summary>
    public ReadOnlyMemory<int> FdArray { get; init; }

    /// <summary>The verifier log to keep on success; on failure a level 1 log is fetched regardless.</summary>
    public VerifierLogLevel LogLevel { get; init; }

    /// <summary>The first size of the log buffer (it grows as needed).</summary>
    public int LogSize { get; init; } = 64 * 1024;
}
