namespace SharpBpf.Linux.Printing;

/// <summary>
/// libbpf's bpf_prog_linfo (tools/lib/bpf/bpf_prog_linfo.c), which bpftool's dumps search for the
/// source line of each instruction: by instruction offset for translated code, by JIT address
/// within one sub-program for machine code. Its quirks are kept, since they show in bpftool's
/// output (a line found once is looked for again from the next record on, so a record can print twice).
/// </summary>
public sealed class ProgramLineTable
{
    private readonly KernelLineInfo[] _lines;
    private readonly ulong[] _jited;
    private readonly int[] _jitedFuncStart = [];
    private readonly int[] _jitedPerFunc = [];

    private ProgramLineTable(KernelLineInfo[] lines, ulong[] jited, int[] funcStart, int[] perFunc)
    {
        _lines = lines;
        _jited = jited;
        _jitedFuncStart = funcStart;
        _jitedPerFunc = perFunc;
    }

    /// <summary>bpf_prog_linfo__new: null without line info, or when the JIT's line addresses do not fit the sub-programs.</summary>
    public static ProgramLineTable? Create(ProgramCode code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var lines = code.LineInfo;
        if (lines.Length == 0)
            return null;
        int functions = code.JitedKsyms.Length;
        if (functions == 0 || code.JitedLineInfo.Length != lines.Length || code.JitedFuncLengths.Length != functions)
            return new ProgramLineTable(lines, [], [], []);
        var start = new int[functions];
        var perFunc = new int[functions];
        if (!Dissect(code.JitedLineInfo, code.JitedKsyms, code.JitedFuncLengths, start, perFunc))
            return null;
        return new ProgramLineTable(lines, code.JitedLineInfo, start, perFunc);
    }

    // dissect_jited_func: each sub-program's first line record is the one at its kernel address.
    private static bool Dissect(ulong[] jited, ulong[] ksyms, uint[] lengths, int[] start, int[] perFunc)
    {
        if (ksyms[0] != jited[0])
            return false;
        start[0] = 0;
        int prev = 0, f = 1, i;
        for (i = 1; i < jited.Length && f < ksyms.Length; i++)
        {
            ulong last = jited[i - 1];
            if (ksyms[f] == jited[i])
            {
                start[f] = i;
                if (last - ksyms[f - 1] + 1 > lengths[f - 1])
                    return false;
                perFunc[f - 1] = i - prev;
                prev = i;
                f++;
            }
            else if (jited[i] <= last)
            {
                return false;
            }
        }
        if (f != ksyms.Length)
            return false;
        perFunc[^1] = jited.Length - prev;
        return true;
    }

    /// <summary>bpf_prog_linfo__lfind: the last record from <paramref name="skip"/> on at or before instruction <paramref name="insn"/>.</summary>
    public KernelLineInfo? Find(uint insn, int skip)
    {
        if (skip >= _lines.Length || insn < _lines[skip].InstructionOffset)
            return null;
        int i = skip;
        while (i < _lines.Length && insn >= _lines[i].InstructionOffset)
            i++;
        return _lines[i - 1];
    }

    /// <summary>bpf_prog_linfo__lfind_addr_func: the line of JIT address <paramref name="address"/> in sub-program <paramref name="function"/>.</summary>
    public KernelLineInfo? FindAddress(ulong address, int function, int skip)
    {
        if (function >= _jitedPerFunc.Length)
            return null;
        int count = _jitedPerFunc[function];
        if (skip >= count)
            return null;
        int start = _jitedFuncStart[function] + skip;
        if (address < _jited[start])
            return null;
        count -= skip;
        int i = 0;
        while (i < count && address >= _jited[start + i])
            i++;
        return _lines[start + i - 1];
    }
}
