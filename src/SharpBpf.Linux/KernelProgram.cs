using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// A program in the kernel (cilium/ebpf's Program): loaded from instructions (BPF_PROG_LOAD) or
/// opened by id, pinned path or fd; closed on Dispose. A rejection by the verifier throws
/// <see cref="BpfVerifierException"/> with the log and the failing instruction.
/// </summary>
public sealed unsafe class KernelProgram : IDisposable
{
    private uint _id;

    private KernelProgram(BpfFileDescriptor fd, ProgramType type, string name, uint id, string? log)
    {
        Fd = fd;
        Type = type;
        Name = name;
        _id = id;
        VerifierLog = log;
    }

    /// <summary>The program's file descriptor.</summary>
    public BpfFileDescriptor Fd { get; }

    /// <summary>The program type.</summary>
    public ProgramType Type { get; }

    /// <summary>The program's name in the kernel (sanitized, at most 15 bytes).</summary>
    public string Name { get; }

    /// <summary>The program's id in the kernel.</summary>
    public uint Id => _id != 0 ? _id : _id = GetInfo().Id;

    /// <summary>The verifier's log, when <see cref="ProgramLoadOptions.LogLevel"/> asked for one.</summary>
    public string? VerifierLog { get; }

    /// <summary>Where this program is pinned, if <see cref="Pin"/> or <see cref="OpenPinned"/> said.</summary>
    public string? PinnedPath { get; private set; }

    /// <summary>
    /// Loads a program: its instructions (with map fds etc. already in place), type and license.
    /// Throws <see cref="BpfVerifierException"/> when the verifier rejects it and
    /// <see cref="BpfNotSupportedException"/> when the kernel predates the program type.
    /// </summary>
    public static KernelProgram Load(ProgramType type, ReadOnlySpan<Instruction> instructions, string license, ProgramLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(license);
        options ??= new ProgramLoadOptions();
        string name = ObjectName.Sanitize(options.Name ?? "");
        string what = name.Length > 0 ? $"load program '{name}'" : $"load {UapiNames.NameOf(type) ?? type.ToString()} program";
        try
        {
            var insns = MemoryMarshal.AsBytes(instructions);
            using var btf = options.Btf is { } b ? b.Fd.Acquire() : default;
            using var attachBtf = options.AttachBtfObject is { } ab ? ab.Fd.Acquire() : default;
            using var attachProg = options.AttachProgram is { } ap ? ap.Fd.Acquire() : default;
            fixed (byte* code = insns)
            fixed (byte* lic = Sys.Utf8Z(license))
            fixed (byte* funcInfo = options.FuncInfo.Span)
            fixed (byte* lineInfo = options.LineInfo.Span)
            fixed (int* fdArray = options.FdArray.Span)
            {
                var attr = new ProgLoadAttr
                {
                    ProgType = (uint)type,
                    InsnCnt = (uint)instructions.Length,
                    Insns = Sys.Pointer(code),
                    License = Sys.Pointer(lic),
                    KernVersion = options.KernelVersion,
                    ProgFlags = (uint)options.Flags,
                    ExpectedAttachType = options.ExpectedAttachType is { } at ? (uint)at : 0,
                    AttachBtfId = options.AttachBtfId,
                    FdArray = Sys.Pointer(fdArray),
                };
                ObjectName.Write(attr.ProgName, name);
                if (options.Btf is not null)
                {
                    attr.ProgBtfFd = btf.Fd;
                    if (!options.FuncInfo.IsEmpty)
                    {
                        attr.FuncInfoRecSize = (uint)options.FuncInfoRecordSize;
                        attr.FuncInfo = Sys.Pointer(funcInfo);
                        attr.FuncInfoCnt = (uint)(options.FuncInfo.Length / options.FuncInfoRecordSize);
                    }
                    if (!options.LineInfo.IsEmpty)
                    {
                        attr.LineInfoRecSize = (uint)options.LineInfoRecordSize;
                        attr.LineInfo = Sys.Pointer(lineInfo);
                        attr.LineInfoCnt = (uint)(options.LineInfo.Length / options.LineInfoRecordSize);
                    }
                }
                if (options.AttachBtfObject is not null)
                    attr.AttachBtfObjFd = attachBtf.Fd;
                else if (options.AttachProgram is not null)
                    attr.AttachProgFd = attachProg.Fd;

                BpfFileDescriptor fd;
                string? log;
                try
                {
                    fd = Sys.LoadWithLog(BpfCommand.ProgLoad, ref attr, options.LogLevel, options.LogSize, out log);
                }
                catch (BpfException e) when (e is not BpfVerifierException && e.Errno == Errno.EINVAL &&
                    FeatureVersions.Of(type) is { } minimum && LinuxKernel.Version < minimum)
                {
                    throw new BpfNotSupportedException($"program type {UapiNames.NameOf(type) ?? type.ToString()}", minimum, BpfCommand.ProgLoad, e.Errno);
                }
                catch (BpfException e) when (e is not BpfVerifierException && e.Errno == Errno.EPERM && IsTrampoline(type, options.ExpectedAttachType))
                {
                    // A refusal with nothing in the verifier log (Sys.LoadWithLog asked for one): the
                    // kernel will not build BPF trampolines here (no ftrace direct calls for BPF).
                    var attach = options.ExpectedAttachType!.Value;
                    throw BpfNotSupportedException.WithReason(UapiNames.NameOf(attach) ?? attach.ToString(),
                        "the kernel refused the BPF trampoline program with EPERM and an empty verifier log", BpfCommand.ProgLoad, e.Errno);
                }
                return new KernelProgram(fd, type, name, 0, log);
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext(what);
        }
    }

    // Programs that run from a BPF trampoline (kernel/bpf/trampoline.c).
    private static bool IsTrampoline(ProgramType type, AttachType? attach) =>
        (type is ProgramType.Tracing or ProgramType.Lsm) &&
        attach is AttachType.TraceFentry or AttachType.TraceFexit or AttachType.ModifyReturn or AttachType.LsmMac or AttachType.LsmCgroup;

    /// <summary>Wraps an open program fd (taking ownership), reading its type and name from the kernel.</summary>
    public static KernelProgram FromFd(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var info = default(BpfProgInfo);
        Sys.ObjGetInfo(fd, ref info);
        return new KernelProgram(fd, (ProgramType)info.Type, Sys.CString(new ReadOnlySpan<byte>(info.Name, ObjectName.Length)), info.Id, null);
    }

    /// <summary>Opens the program with an id (BPF_PROG_GET_FD_BY_ID).</summary>
    public static KernelProgram FromId(uint id)
    {
        try
        {
            return FromFd(Sys.GetFdById(BpfCommand.ProgGetFdById, id));
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open program id {id}");
        }
    }

    /// <summary>Opens the program pinned at <paramref name="path"/> (BPF_OBJ_GET).</summary>
    public static KernelProgram OpenPinned(string path)
    {
        try
        {
            var program = FromFd(Sys.ObjGet(path, 0));
            program.PinnedPath = path;
            return program;
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open pinned program {path}");
        }
    }

    /// <summary>The kernel's view of the program, with the ids of its maps.</summary>
    public ProgramInfo GetInfo()
    {
        try
        {
            var info = default(BpfProgInfo);
            Sys.ObjGetInfo(Fd, ref info);
            var mapIds = new uint[info.NrMapIds];
            if (mapIds.Length > 0)
            {
                fixed (uint* ids = mapIds)
                {
                    var again = new BpfProgInfo { NrMapIds = (uint)mapIds.Length, MapIds = Sys.Pointer(ids) };
                    Sys.ObjGetInfo(Fd, ref again);
                    // Maps may have been dropped meanwhile (bpf_prog_bind_map can only add, but be exact).
                    if (again.NrMapIds < mapIds.Length)
                        mapIds = mapIds[..(int)again.NrMapIds];
                    info = again with { MapIds = 0 };
                }
            }
            return new ProgramInfo(info, mapIds);
        }
        catch (BpfException e)
        {
            throw e.WithContext(Context);
        }
    }

    /// <summary>The instructions as the verifier rewrote them (xlated_prog_insns); needs CAP_SYS_ADMIN-equivalent rights (bpf_dump_raw_ok).</summary>
    public Instruction[] GetXlatedInstructions()
    {
        var bytes = ReadCode(xlated: true);
        return MemoryMarshal.Cast<byte, Instruction>(bytes).ToArray();
    }

    /// <summary>The JIT's machine code (jited_prog_insns); empty when the program is interpreted.</summary>
    public byte[] GetJitedImage() => ReadCode(xlated: false);

    private byte[] ReadCode(bool xlated)
    {
        try
        {
            var info = default(BpfProgInfo);
            Sys.ObjGetInfo(Fd, ref info);
            var code = new byte[xlated ? info.XlatedProgLen : info.JitedProgLen];
            if (code.Length == 0)
                return code;
            fixed (byte* p = code)
            {
                var again = xlated
                    ? new BpfProgInfo { XlatedProgLen = (uint)code.Length, XlatedProgInsns = Sys.Pointer(p) }
                    : new BpfProgInfo { JitedProgLen = (uint)code.Length, JitedProgInsns = Sys.Pointer(p) };
                Sys.ObjGetInfo(Fd, ref again);
                // A zero pointer back means the kernel withheld the dump (kernel.kptr_restrict, no CAP_SYS_ADMIN).
                if ((xlated ? again.XlatedProgInsns : again.JitedProgInsns) == 0)
                    throw new BpfException($"the kernel withheld the {(xlated ? "translated instructions" : "JITed image")} (bpf_dump_raw_ok: needs CAP_SYS_ADMIN and kptr_restrict < 2)");
            }
            return code;
        }
        catch (BpfException e)
        {
            throw e.WithContext(Context);
        }
    }

    /// <summary>Runs the program once on a packet (BPF_PROG_TEST_RUN).</summary>
    public ProgramTestRunResult TestRun(ReadOnlyMemory<byte> data) => TestRun(new ProgramTestRunOptions { Data = data });

    /// <summary>
    /// Runs the program in the kernel on the given packet and context (BPF_PROG_TEST_RUN). When the
    /// output does not fit (ENOSPC) the run is repeated once with the room the kernel asked for.
    /// </summary>
    public ProgramTestRunResult TestRun(ProgramTestRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int dataOutSize = options.DataOutSize ?? (options.Data.IsEmpty ? 0 : options.Data.Length + 256);
        int contextOutSize = options.ContextOutSize;
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                var dataOut = new byte[dataOutSize];
                var contextOut = new byte[contextOutSize];
                using var fd = Fd.Acquire();
                fixed (byte* dataIn = options.Data.Span)
                fixed (byte* ctxIn = options.Context.Span)
                fixed (byte* dOut = dataOut)
                fixed (byte* cOut = contextOut)
                {
                    var attr = new TestRunAttr
                    {
                        ProgFd = fd.Fd,
                        DataIn = Sys.Pointer(dataIn),
                        DataSizeIn = (uint)options.Data.Length,
                        DataOut = Sys.Pointer(dOut),
                        DataSizeOut = (uint)dataOut.Length,
                        CtxIn = Sys.Pointer(ctxIn),
                        CtxSizeIn = (uint)options.Context.Length,
                        CtxOut = Sys.Pointer(cOut),
                        CtxSizeOut = (uint)contextOut.Length,
                        Repeat = options.Repeat,
                        Flags = (uint)options.Flags,
                        Cpu = options.Cpu,
                        BatchSize = options.BatchSize,
                    };
                    if (Sys.Bpf(BpfCommand.ProgTestRun, ref attr, Errno.ENOSPC) < 0)
                    {
                        if (attempt > 0)
                            throw Sys.Error(BpfCommand.ProgTestRun, Errno.ENOSPC);
                        dataOutSize = Math.Max(dataOutSize, (int)attr.DataSizeOut);
                        contextOutSize = Math.Max(contextOutSize, (int)attr.CtxSizeOut);
                        continue;
                    }
                    return new ProgramTestRunResult(attr.Retval, attr.Duration,
                        dataOut.AsSpan(0, (int)Math.Min(attr.DataSizeOut, (uint)dataOut.Length)).ToArray(),
                        contextOut.AsSpan(0, (int)Math.Min(attr.CtxSizeOut, (uint)contextOut.Length)).ToArray());
                }
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext($"test run of {Context}");
        }
    }

    /// <summary>Pins the program at <paramref name="path"/>, which must be on a bpffs (BPF_OBJ_PIN).</summary>
    public void Pin(string path)
    {
        try
        {
            Sys.ObjPin(Fd, path);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"pin {Context} at {path}");
        }
        PinnedPath = path;
    }

    /// <summary>Removes the pin made by <see cref="Pin"/> (or found by <see cref="OpenPinned"/>); nothing when not pinned.</summary>
    public void Unpin()
    {
        if (PinnedPath is null)
            return;
        File.Delete(PinnedPath);
        PinnedPath = null;
    }

    /// <summary>Closes the program's fd (pins and attachments that hold it keep it loaded).</summary>
    public void Dispose() => Fd.Dispose();

    /// <inheritdoc/>
    public override string ToString() => Context;

    private string Context => Name.Length > 0 ? $"program '{Name}'" : $"{UapiNames.NameOf(Type) ?? Type.ToString()} program";
}
