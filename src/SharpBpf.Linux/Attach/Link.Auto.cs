using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Attach;

public abstract partial class Link
{
    /// <summary>
    /// Attaches a loaded program where its section name says, as libbpf's skeletons do
    /// (bpf_program__attach): <c>tracepoint/CAT/NAME</c> and <c>tp/CAT/NAME</c>, <c>raw_tp/NAME</c>
    /// and <c>raw_tracepoint[.w]/NAME</c>, <c>tp_btf/</c>, <c>fentry/</c>, <c>fexit/</c>,
    /// <c>fmod_ret/</c>, <c>lsm/</c> and <c>iter/</c> (where the load put them),
    /// <c>kprobe/FUNC[+OFF]</c>, <c>kretprobe/FUNC</c>, <c>ksyscall/NAME</c>,
    /// <c>u[ret]probe[.s]/BINARY:FUNC[+OFF]</c> (or <c>BINARY:OFFSET</c>),
    /// <c>u[ret]probe.multi/BINARY:PATTERN</c> (a glob over the file's functions), and cgroup
    /// sections when <see cref="AutoAttachOptions.Cgroup"/> names one. Returns null, as libbpf does,
    /// for what a section cannot say where to attach: xdp, tc, tcx, socket, perf_event, sk_*,
    /// netfilter, struct_ops, sections without a target ("kprobe", "tp"), and cgroups without one.
    /// </summary>
    public static Link? AutoAttach(KernelProgram program, ProgramSpec spec, AutoAttachOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new AutoAttachOptions();
        // "?tp_btf/..." is libbpf's "not loaded by default" mark, not part of the convention.
        string section = spec.SectionName.TrimStart('?');
        var info = SectionDefinitions.Lookup(section);
        if (info is null)
            return null;
        string? target = info.AttachTarget;
        switch (info.Prefix)
        {
            case "tracepoint" or "tp":
            {
                if (target is null)
                    return null;
                int slash = target.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == target.Length - 1)
                    throw InvalidSection(spec, "expected CATEGORY/NAME after the prefix");
                return Tracepoint(program, target[..slash], target[(slash + 1)..]);
            }
            case "raw_tracepoint" or "raw_tp" or "raw_tracepoint.w" or "raw_tp.w":
                return target is null ? null : RawTracepoint(program, target);
            case "tp_btf" or "fentry" or "fexit" or "fmod_ret" or "fentry.s" or "fexit.s" or "fmod_ret.s"
                or "lsm" or "lsm.s" or "iter" or "iter.s":
                return Tracing(program, info.AttachType!.Value);
            case "kprobe" or "kretprobe":
                return target is null ? null : KernelProbeSection(program, spec, target, info.Prefix == "kretprobe");
            case "ksyscall" or "kretsyscall":
                return target is null ? null : KernelProbe(program, SyscallPrefix + target, info.Prefix == "kretsyscall", new KprobeOptions());
            case "uprobe" or "uretprobe" or "uprobe.s" or "uretprobe.s":
                return UserProbeSection(program, spec, section, info.Prefix.StartsWith("uret", StringComparison.Ordinal));
            case "uprobe.multi" or "uretprobe.multi":
                return target is null ? null : UprobeMultiSection(program, spec, target, info.Prefix == "uretprobe.multi");
            case "usdt":
                throw new BpfNotSupportedException("auto-attaching usdt programs (SharpBpf has no USDT support yet)", null);
            case "kprobe.multi" or "kretprobe.multi" or "kprobe.session":
                throw new BpfNotSupportedException($"auto-attaching {info.Prefix} programs (SharpBpf has no kprobe_multi links yet)", null);
        }
        if (IsCgroupProgram(info.Type) && options.Cgroup is { } cgroup && info.AttachType is { } hook)
            return Cgroup(program, cgroup, hook);
        return null;
    }

    private static bool IsCgroupProgram(ProgramType type) => type is ProgramType.CgroupSkb or ProgramType.CgroupSock
        or ProgramType.CgroupSockAddr or ProgramType.CgroupSockopt or ProgramType.CgroupSysctl or ProgramType.CgroupDevice
        or ProgramType.SockOps;

    // arch/*/include/asm/syscall_wrapper.h: the kernel's syscall entry points.
    private static string SyscallPrefix => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "__x64_sys_",
        Architecture.Arm64 => "__arm64_sys_",
        _ => "sys_",
    };

    // libbpf's attach_kprobe: "FUNC" or "FUNC+OFFSET" (sscanf "%m[a-zA-Z0-9_.]+%li").
    private static Link KernelProbeSection(KernelProgram program, ProgramSpec spec, string target, bool retprobe)
    {
        int plus = target.IndexOf('+', StringComparison.Ordinal);
        ulong offset = 0;
        string function = target;
        if (plus >= 0)
        {
            if (!TryParseCNumber(target[(plus + 1)..], out offset))
                throw InvalidSection(spec, $"bad offset in '{target}'");
            function = target[..plus];
        }
        if (retprobe && offset != 0)
            throw InvalidSection(spec, "kretprobes do not take an offset");
        return KernelProbe(program, function, retprobe, new KprobeOptions { Offset = offset });
    }

    // libbpf's attach_uprobe: sscanf(sec_name, "%m[^/]/%m[^:]:%m[^\n]") for TYPE/BINARY:FUNC, then a
    // trailing "+OFFSET" split off the function. A number instead of a function is a raw offset.
    private static Link? UserProbeSection(KernelProgram program, ProgramSpec spec, string section, bool retprobe)
    {
        int slash = section.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == section.Length - 1)
            return null; // SEC("uprobe"): valid, but nothing to attach to
        string rest = section[(slash + 1)..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            throw InvalidSection(spec, "missing ':function[+offset]'");
        string binary = rest[..colon];
        string function = rest[(colon + 1)..];
        if (function.Length == 0)
            throw InvalidSection(spec, "missing the function after ':'");
        ulong offset = 0;
        int plus = function.LastIndexOf('+');
        if (plus > 0 && TryParseCNumber(function[(plus + 1)..], out ulong o))
        {
            offset = o;
            function = function[..plus];
        }
        if (retprobe && offset != 0)
            throw InvalidSection(spec, "uretprobes do not take an offset");
        if (TryParseCNumber(function, out ulong raw))
            return retprobe ? Uretprobe(program, binary, raw + offset) : Uprobe(program, binary, raw + offset);
        var options = new UprobeOptions { Offset = offset };
        return retprobe ? Uretprobe(program, binary, function, options) : Uprobe(program, binary, function, options);
    }

    // libbpf's attach_uprobe_multi: "BINARY:PATTERN", PATTERN a glob (* and ?) over function names.
    private static Link UprobeMultiSection(KernelProgram program, ProgramSpec spec, string target, bool retprobe)
    {
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || colon == target.Length - 1)
            throw InvalidSection(spec, "expected BINARY:PATTERN");
        string pattern = target[(colon + 1)..];
        var executable = Executable.Open(target[..colon]);
        var symbols = executable.FunctionNames.Where(n => !n.Contains('@', StringComparison.Ordinal) && GlobMatch(pattern, n))
            .Order(StringComparer.Ordinal).ToList();
        if (symbols.Count == 0)
            throw new BpfException($"{executable.Path}: no function matches '{pattern}'").WithContext(AttachContext(program, spec.SectionName));
        var offsets = symbols.Select(executable.SymbolOffset).ToList();
        return UprobeMulti(program, executable.Path, offsets, new UprobeMultiOptions { Return = retprobe }, pattern);
    }

    // libbpf's glob_match: '*' any run, '?' any one character.
    private static bool GlobMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    // strtol with base 0: 0x hex, leading 0 octal, else decimal.
    private static bool TryParseCNumber(string text, out ulong value)
    {
        value = 0;
        if (text.Length == 0)
            return false;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return text.Length > 2 && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (text.Length > 1 && text[0] == '0')
        {
            foreach (char c in text)
            {
                if (c is < '0' or > '7')
                    return false;
                value = value * 8 + (ulong)(c - '0');
            }
            return true;
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static ArgumentException InvalidSection(ProgramSpec spec, string why) =>
        new($"program '{spec.Name}': section '{spec.SectionName}': {why}", nameof(spec));
}
