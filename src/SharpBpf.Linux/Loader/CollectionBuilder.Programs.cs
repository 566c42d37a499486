using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.CoRe;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Loader;

internal sealed partial class CollectionBuilder
{
    // libbpf.c: bpf_object__relocate, bpf_object_load_prog, libbpf_find_attach_btf_id.

    // libbpf's POISON_CALL_KFUNC_BASE: an unresolved weak kfunc's call becomes a call of this
    // helper number plus the extern's index, which the verifier rejects if the call is reachable.
    private const int PoisonKfuncCall = 2002000000;

    /// <summary>How a program is loaded: its type as the section (or the caller) says.</summary>
    private sealed record ProgramKind(ProgramType Type, AttachType? AttachType, string? Target, bool Sleepable, bool XdpFrags);

    private List<ProgramSpec> SelectPrograms()
    {
        if (_options.Programs is { } names)
        {
            var chosen = new List<ProgramSpec>();
            foreach (var name in names)
            {
                if (!_spec.Programs.TryGetValue(name, out var p))
                    throw new BpfException($"program '{name}' is not in the object; its programs are {string.Join(", ", _spec.Programs.Keys)}");
                chosen.Add(p);
            }
            // Load in the object's order whatever order the names came in.
            var order = _spec.Programs.Keys.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
            return [.. chosen.Distinct().OrderBy(p => order[p.Name])];
        }
        var programs = new List<ProgramSpec>();
        foreach (var p in _spec.Programs.Values)
        {
            // SEC("?...") programs are not loaded unless asked for (libbpf's autoload = false).
            if (p.SectionName.StartsWith('?'))
                Log($"program '{p.Name}': not loaded (section '{p.SectionName}' starts with '?')");
            else
                programs.Add(p);
        }
        return programs;
    }

    private ProgramKind KindOf(ProgramSpec p)
    {
        var info = p.SectionName.StartsWith('?') ? SectionDefinitions.Lookup(p.SectionName[1..]) : SectionDefinitions.Lookup(p.SectionName);
        var type = info?.Type ?? p.Type;
        var attach = info is null ? p.AttachType : info.AttachType;
        bool frags = info?.Prefix.StartsWith("xdp.frags", StringComparison.Ordinal) ?? false;
        if (_options.ProgramType is { } forced)
            return new ProgramKind(forced, _options.ExpectedAttachType, info?.AttachTarget ?? p.AttachTarget, info?.Sleepable ?? p.Sleepable, frags);
        return new ProgramKind(type, attach, info?.AttachTarget ?? p.AttachTarget, info?.Sleepable ?? p.Sleepable, frags);
    }

    /// <summary>
    /// Loads the object's BTF (with the kernel's fix-ups). As libbpf, a BTF the kernel refuses is
    /// dropped with a note, unless a program needs it (kernel functions and variables).
    /// </summary>
    private void LoadBtf()
    {
        if (_spec.Btf is not { } btf)
            return;
        var bytes = KernelBtfFixups.Apply(btf);
        try
        {
            _btf = KernelBtf.Load(bytes, _options.LogLevel, Math.Max(_options.LogSize, 128));
            Log($"BTF: loaded (id {_btf.Id}, {bytes.Length} bytes, {btf.TypeCount - 1} types)");
        }
        catch (BpfException e) when (_symbols.Count == 0)
        {
            Log($"BTF: the kernel refused the object's BTF ({e.Message}); loading without it");
        }
    }

    private void LoadPrograms(IReadOnlyList<ProgramSpec> programs)
    {
        CoreReport? report = null;
        if (programs.Any(p => p.CoreRelocations.Count > 0))
        {
            var target = _options.CoreTarget ?? KernelTypes.Vmlinux.Spec;
            report = CoreResolver.Resolve(_spec, target, _options.CoreTarget is null ? "/sys/kernel/btf/vmlinux" : null);
            Log($"CO-RE: {report.Relocations.Count} relocations against {(_options.CoreTarget is null ? "/sys/kernel/btf/vmlinux" : "the given BTF")}: " +
                $"{report.Count(CoreOutcome.Relocated)} relocated, {report.Count(CoreOutcome.NotFound)} not found, {report.Count(CoreOutcome.Poisoned)} poisoned");
        }
        foreach (var p in programs)
            _programs[p.Name] = LoadProgram(p, report);
    }

    private KernelProgram LoadProgram(ProgramSpec p, CoreReport? report)
    {
        string context = $"load program '{p.Name}'";
        var kind = KindOf(p);
        Instruction[] code;
        uint attachBtfId;
        KernelBtf? attachBtf;
        try
        {
            if (kind.Type == ProgramType.Unspec)
                throw new BpfException($"section '{p.SectionName}' implies no program type (use a libbpf SEC() name, or give a type)");
            code = Relocate(p, report);
            (attachBtfId, attachBtf) = AttachTarget(p, kind);
        }
        catch (BpfException e)
        {
            throw e.WithContext(context);
        }

        var flags = ProgramFlags.None;
        if (kind.Sleepable)
            flags |= ProgramFlags.Sleepable;
        if (kind.XdpFrags)
            flags |= ProgramFlags.XdpHasFrags;
        ProgramLoadOptions Options(VerifierLogLevel level) => new()
        {
            Name = p.Name,
            ExpectedAttachType = kind.AttachType,
            AttachBtfId = attachBtfId,
            AttachBtfObject = attachBtf,
            Flags = flags,
            KernelVersion = _spec.KernelVersion ?? KernelVersionCode,
            Btf = _btf,
            FuncInfo = _btf is null ? default : FuncInfoRecords(p),
            LineInfo = _btf is null ? default : LineInfoRecords(p),
            FdArray = _fdArray.Count > 1 ? _fdArray.ToArray() : default,
            LogLevel = level,
            LogSize = _options.LogSize,
        };
        string license = string.IsNullOrEmpty(p.License) ? _spec.License : p.License;
        KernelProgram program;
        try
        {
            program = KernelProgram.Load(kind.Type, code, license, Options(_options.LogLevel));
        }
        catch (BpfException e) when (e is not (BpfVerifierException or BpfNotSupportedException) && _options.LogLevel == VerifierLogLevel.None)
        {
            // The verifier explains more refusals than EACCES and EINVAL in its log (ENOENT: "ldimm64 failed
            // to find the address for kernel symbol"), which is only fetched for those two: ask once more with a log.
            try
            {
                program = KernelProgram.Load(kind.Type, code, license, Options(VerifierLogLevel.Basic));
            }
            catch (BpfException again)
            {
                throw Renamed(again is BpfVerifierException ? again : e, context);
            }
        }
        catch (BpfException e)
        {
            throw Renamed(e, context);
        }
        Log($"program '{p.Name}': loaded (id {program.Id}), {UapiNames.NameOf(kind.Type) ?? kind.Type.ToString()}, {code.Length} insns" +
            (attachBtfId != 0 ? $", attach BTF id {attachBtfId}" : ""));
        return program;
    }

    /// <summary>
    /// KernelProgram names the program as the kernel does (15 bytes); the error names it in full.
    /// </summary>
    private static BpfException Renamed(BpfException e, string context) =>
        e.Context.Count > 0 && e.Context[0].StartsWith("load ", StringComparison.Ordinal) && e.InnerException is BpfException inner
            ? inner.WithContext(context)
            : e.WithContext(context);

    /// <summary>
    /// The program's instructions for this kernel: CO-RE applied, then each reference resolved
    /// (libbpf's bpf_object__relocate_data): maps as BPF_PSEUDO_MAP_FD, global data as
    /// BPF_PSEUDO_MAP_VALUE with the offset in the second slot, kfunc calls by BTF id, kernel
    /// variables as BPF_PSEUDO_BTF_ID or an address. Sub-programs and callbacks are already linked in the spec.
    /// </summary>
    private Instruction[] Relocate(ProgramSpec p, CoreReport? report)
    {
        Instruction[] code;
        try
        {
            code = report is not null && p.CoreRelocations.Count > 0 ? CoreResolver.Apply(p, report) : (Instruction[])p.Instructions.Clone();
        }
        catch (InvalidOperationException e)
        {
            string prefix = $"program '{p.Name}': ";
            throw new BpfException(e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message, e);
        }
        foreach (var r in p.References)
        {
            int i = r.Instruction;
            switch (r.Kind)
            {
                case ReferenceKind.Map:
                    RequireWide(p, code, r);
                    LoadImm64(code, i, LoadImm64Source.MapFd, MapFor(r.Symbol, r).Fd.Value, 0);
                    break;
                case ReferenceKind.Data:
                    RequireWide(p, code, r);
                    LoadImm64(code, i, LoadImm64Source.MapValue, MapFor(r.Section ?? r.Symbol, r).Fd.Value, (int)r.Offset);
                    break;
                case ReferenceKind.Kconfig:
                    RequireWide(p, code, r);
                    LoadImm64(code, i, LoadImm64Source.MapValue, MapFor(".kconfig", r).Fd.Value, (int)KconfigOffset(r.Symbol));
                    break;
                case ReferenceKind.Kfunc:
                    code[i] = KfuncCall(code[i], r.Symbol);
                    break;
                case ReferenceKind.Ksym:
                    RequireWide(p, code, r);
                    KernelSymbolLoad(code, i, r.Symbol);
                    break;
                case ReferenceKind.Call:
                case ReferenceKind.FunctionPointer:
                    break;
            }
        }
        return code;
    }

    private static void RequireWide(ProgramSpec p, Instruction[] code, ProgramReference r)
    {
        if (r.Instruction + 1 >= code.Length || !code[r.Instruction].IsWide)
            throw new BpfException($"insn {r.Instruction} refers to '{r.Symbol}' but is not an ld_imm64 (program '{p.Name}' is malformed)");
    }

    private static void LoadImm64(Instruction[] code, int i, LoadImm64Source source, int low, int high)
    {
        code[i] = code[i].WithSrc((int)source).WithImmediate(low);
        code[i + 1] = code[i + 1].WithImmediate(high);
    }

    private KernelMap MapFor(string name, ProgramReference r) =>
        _maps.TryGetValue(name, out var m) ? m
            : throw new BpfException($"insn {r.Instruction} refers to map '{name}', which the object does not define");

    private uint KconfigOffset(string name)
    {
        if (_spec.Btf?.FindDatasec(".kconfig") is { } ds)
        {
            for (int i = 0; i < ds.Vlen; i++)
            {
                var vsi = ds.VarSecInfo(i);
                if (_spec.Btf.GetType(vsi.Type).Name == name)
                    return vsi.Offset;
            }
        }
        throw new BpfException($"extern '{name}' is neither a __kconfig variable nor a __ksym (no BTF describes it)");
    }

    private Instruction KfuncCall(Instruction call, string name)
    {
        var symbol = _symbols[name];
        if (!symbol.Resolved)
        {
            int index = 0;
            for (; index < _spec.Externs.Count && _spec.Externs[index].Name != name; index++)
            {
            }
            return new Instruction(Opcodes.CallOpcode, 0, 0, 0, PoisonKfuncCall + index);
        }
        short slot = symbol.Owner!.Module is null ? (short)0 : ModuleBtf(symbol.Owner).Index;
        return call.WithSrc((int)CallSource.Kfunc).WithImmediate((int)symbol.BtfId.Value).WithOffset(slot);
    }

    private void KernelSymbolLoad(Instruction[] code, int i, string name)
    {
        var symbol = _symbols[name];
        if (!symbol.BtfId.IsVoid)
        {
            // A typed variable or a kfunc's address: the kernel finds it by BTF id (and module BTF fd).
            int btfFd = symbol.Owner!.Module is null ? 0 : ModuleBtf(symbol.Owner).Btf.Fd.Value;
            LoadImm64(code, i, LoadImm64Source.BtfId, (int)symbol.BtfId.Value, btfFd);
            return;
        }
        // Typeless (an address from kallsyms) or unresolved and weak (0): a plain 64-bit constant.
        ulong address = symbol.Address ?? 0;
        LoadImm64(code, i, LoadImm64Source.Imm64, (int)(uint)address, (int)(uint)(address >> 32));
    }

    /// <summary>
    /// attach_btf_id for programs that name a kernel function or hook (libbpf's
    /// libbpf_find_attach_btf_id): tp_btf/NAME is typedef btf_trace_NAME, fentry/fexit/fmod_ret
    /// the function, lsm/NAME bpf_lsm_NAME, iter/NAME bpf_iter_NAME; found in vmlinux, then modules.
    /// </summary>
    private (uint Id, KernelBtf? Module) AttachTarget(ProgramSpec p, ProgramKind kind)
    {
        (string Prefix, BtfKind Kind)? lookup = (kind.Type, kind.AttachType) switch
        {
            (ProgramType.Tracing, AttachType.TraceRawTp) => ("btf_trace_", BtfKind.Typedef),
            (ProgramType.Tracing, AttachType.TraceFentry or AttachType.TraceFexit or AttachType.ModifyReturn) => ("", BtfKind.Func),
            (ProgramType.Tracing, AttachType.TraceIter) => ("bpf_iter_", BtfKind.Func),
            (ProgramType.Lsm, _) => ("bpf_lsm_", BtfKind.Func),
            _ => null,
        };
        if (kind.Type == ProgramType.Ext)
            throw new BpfNotSupportedException("freplace programs (they need a target program; the loader cannot take one yet)", null);
        if (lookup is not { } l)
            return (0, null);
        if (string.IsNullOrEmpty(kind.Target))
            throw new BpfException($"section '{p.SectionName}' names no attach target (expected {p.SectionName.TrimStart('?')}/NAME)");
        string name = l.Prefix + kind.Target;
        var found = KernelTypes.FindAnywhere(name, l.Kind)
            ?? throw new BpfException($"attach target '{kind.Target}' not found: no {BtfKindNames.Of(l.Kind)} '{name}' in the kernel's or any module's BTF");
        if (found.Owner.Module is null)
            return (found.Id.Value, null);
        var module = found.Owner.OpenModule();
        _attachBtfs.Add(module);
        return (found.Id.Value, module);
    }

    private readonly List<KernelBtf> _attachBtfs = [];

    /// <summary>struct bpf_func_info records: insn_off (in instructions, as the kernel's check_btf_func wants), type_id.</summary>
    private static ReadOnlyMemory<byte> FuncInfoRecords(ProgramSpec p)
    {
        if (p.FuncInfos.Count == 0)
            return default;
        var bytes = new byte[p.FuncInfos.Count * 8];
        for (int i = 0; i < p.FuncInfos.Count; i++)
        {
            var f = p.FuncInfos[i];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8), f.InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8 + 4), f.TypeId.Value);
        }
        return bytes;
    }

    /// <summary>struct bpf_line_info records: insn_off, file_name_off, line_off, line_col (line &lt;&lt; 10 | column).</summary>
    private static ReadOnlyMemory<byte> LineInfoRecords(ProgramSpec p)
    {
        if (p.LineInfos.Count == 0)
            return default;
        var bytes = new byte[p.LineInfos.Count * 16];
        for (int i = 0; i < p.LineInfos.Count; i++)
        {
            var l = p.LineInfos[i];
            var at = bytes.AsSpan(i * 16);
            BinaryPrimitives.WriteUInt32LittleEndian(at, l.InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], l.FileNameOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(at[8..], l.LineOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(at[12..], (l.Line << 10) | (l.Column & 0x3ff));
        }
        return bytes;
    }
}
