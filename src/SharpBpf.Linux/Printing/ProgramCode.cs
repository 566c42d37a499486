using System.Buffers.Binary;
using SharpBpf.Linux.Native;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Printing;

/// <summary>One bpf_func_info record as the kernel returns it: the function's first instruction (an index) and its BTF FUNC.</summary>
public readonly record struct KernelFuncInfo(uint InstructionOffset, BtfTypeId TypeId);

/// <summary>One bpf_line_info record as the kernel returns it (line and column packed in line_col).</summary>
public readonly record struct KernelLineInfo(uint InstructionOffset, uint FileNameOffset, uint LineOffset, uint LineColumn)
{
    /// <summary>BPF_LINE_INFO_LINE_NUM.</summary>
    public uint Line => LineColumn >> 10;

    /// <summary>BPF_LINE_INFO_LINE_COL.</summary>
    public uint Column => LineColumn & 0x3ff;
}

/// <summary>
/// Everything bpftool's <c>prog dump</c> reads about a program (the arrays of
/// bpf_program__get_prog_info_linear): the translated instructions or the JIT image, the
/// sub-programs' kernel symbols and lengths, func_info and line_info (and the JIT's addresses for
/// each line), and the program's BTF.
/// </summary>
public sealed class ProgramCode
{
    private ProgramCode(ProgramInfo info)
    {
        Info = info;
    }

    /// <summary>The program's info (with its map ids).</summary>
    public ProgramInfo Info { get; }

    /// <summary>The verifier's rewritten instructions, as bytes (empty when JIT code was read).</summary>
    public byte[] Xlated { get; private set; } = [];

    /// <summary>The JIT's machine code (empty when translated code was read or the program is interpreted).</summary>
    public byte[] Jited { get; private set; } = [];

    /// <summary>jited_ksyms: the kernel address of each sub-program's code.</summary>
    public ulong[] JitedKsyms { get; private set; } = [];

    /// <summary>jited_func_lens: the length of each sub-program's code.</summary>
    public uint[] JitedFuncLengths { get; private set; } = [];

    /// <summary>func_info: (instruction offset, BTF FUNC id) of each function.</summary>
    public KernelFuncInfo[] FuncInfo { get; private set; } = [];

    /// <summary>line_info records in instruction order.</summary>
    public KernelLineInfo[] LineInfo { get; private set; } = [];

    /// <summary>jited_line_info: the JIT address of each line_info record.</summary>
    public ulong[] JitedLineInfo { get; private set; } = [];

    /// <summary>The program's BTF (null without one or when it cannot be read).</summary>
    public BtfSpec? Btf { get; private set; }

    /// <summary>Reads the translated instructions (<paramref name="jited"/> false) or the JIT image with the other arrays.</summary>
    public static unsafe ProgramCode Read(KernelProgram program, bool jited)
    {
        ArgumentNullException.ThrowIfNull(program);
        var info = program.GetInfo();
        var raw = info.Raw;
        var code = new ProgramCode(info);
        var insns = new byte[jited ? raw.JitedProgLen : raw.XlatedProgLen];
        var ksyms = new ulong[raw.NrJitedKsyms];
        var lens = new uint[raw.NrJitedFuncLens];
        var funcInfo = new byte[raw.NrFuncInfo * raw.FuncInfoRecSize];
        var lineInfo = new byte[raw.NrLineInfo * raw.LineInfoRecSize];
        var jitedLineInfo = new byte[raw.NrJitedLineInfo * raw.JitedLineInfoRecSize];
        try
        {
            fixed (byte* pInsns = insns)
            fixed (ulong* pKsyms = ksyms)
            fixed (uint* pLens = lens)
            fixed (byte* pFunc = funcInfo)
            fixed (byte* pLine = lineInfo)
            fixed (byte* pJitedLine = jitedLineInfo)
            {
                var again = new BpfProgInfo
                {
                    NrJitedKsyms = (uint)ksyms.Length,
                    JitedKsyms = Sys.Pointer(pKsyms),
                    NrJitedFuncLens = (uint)lens.Length,
                    JitedFuncLens = Sys.Pointer(pLens),
                    NrFuncInfo = raw.NrFuncInfo,
                    FuncInfoRecSize = raw.FuncInfoRecSize,
                    FuncInfo = Sys.Pointer(pFunc),
                    NrLineInfo = raw.NrLineInfo,
                    LineInfoRecSize = raw.LineInfoRecSize,
                    LineInfo = Sys.Pointer(pLine),
                    NrJitedLineInfo = raw.NrJitedLineInfo,
                    JitedLineInfoRecSize = raw.JitedLineInfoRecSize,
                    JitedLineInfo = Sys.Pointer(pJitedLine),
                };
                if (jited)
                {
                    again.JitedProgLen = (uint)insns.Length;
                    again.JitedProgInsns = Sys.Pointer(pInsns);
                }
                else
                {
                    again.XlatedProgLen = (uint)insns.Length;
                    again.XlatedProgInsns = Sys.Pointer(pInsns);
                }
                Sys.ObjGetInfo(program.Fd, ref again);
                // A zero pointer back: the kernel withheld the code (bpf_dump_raw_ok).
                if (insns.Length > 0 && (jited ? again.JitedProgInsns : again.XlatedProgInsns) == 0)
                    insns = [];
                if (again.JitedKsyms == 0)
                    ksyms = [];
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext(program.ToString());
        }
        if (jited)
            code.Jited = insns;
        else
            code.Xlated = insns;
        code.JitedKsyms = ksyms;
        code.JitedFuncLengths = lens;
        code.FuncInfo = new KernelFuncInfo[raw.NrFuncInfo];
        for (int i = 0; i < code.FuncInfo.Length; i++)
        {
            var r = funcInfo.AsSpan(i * (int)raw.FuncInfoRecSize);
            code.FuncInfo[i] = new KernelFuncInfo(BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r[4..]));
        }
        code.LineInfo = new KernelLineInfo[raw.NrLineInfo];
        for (int i = 0; i < code.LineInfo.Length; i++)
        {
            var r = lineInfo.AsSpan(i * (int)raw.LineInfoRecSize);
            code.LineInfo[i] = new KernelLineInfo(BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(r[8..]), BinaryPrimitives.ReadUInt32LittleEndian(r[12..]));
        }
        code.JitedLineInfo = new ulong[raw.NrJitedLineInfo];
        for (int i = 0; i < code.JitedLineInfo.Length; i++)
            code.JitedLineInfo[i] = BinaryPrimitives.ReadUInt64LittleEndian(jitedLineInfo.AsSpan(i * (int)raw.JitedLineInfoRecSize));
        if (raw.BtfId != 0)
        {
            try
            {
                using var btf = KernelBtf.FromId(raw.BtfId);
                code.Btf = btf.ReadSpec();
            }
            catch (Exception e) when (e is BpfException or SharpBpf.Core.Diagnostics.BpfFormatException)
            {
                code.Btf = null;
            }
        }
        return code;
    }
}
