using System.Buffers.Binary;
using System.Text;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.ObjectFile.Spec;

/// <summary>
/// Writes BPF ELF objects that libbpf (bpftool prog load), llvm-objdump and our reader accept:
/// programs in their SEC() sections, sub-programs once in .text with R_BPF_64_32 call
/// relocations, maps in .maps (with BTF) or "maps", global data sections, license, .BTF and
/// .BTF.ext — the layout clang produces.
/// </summary>
public static class CollectionWriter
{
    private sealed class Function
    {
        public required string Name { get; init; }
        public required string Section { get; init; }
        public required Instruction[] Code { get; init; }
        public bool Global { get; init; }
        public List<(int Slot, ReferenceKind Kind, string Symbol, string? Section, long Offset)> Refs { get; } = [];
        public List<BtfFuncInfo> FuncInfos { get; } = [];
        public List<BtfLineInfo> LineInfos { get; } = [];
        public List<ProgramCoreRelocation> Core { get; } = [];
    }

    /// <summary>
    /// Writes a single assembled program as an object: the function at slot 0 goes into
    /// <paramref name="section"/>, every other bpf-to-bpf call target becomes a sub-program in .text.
    /// </summary>
    public static byte[] WriteProgram(Instruction[] program, string section, string name = "prog", string license = "GPL")
    {
        var diag = InstructionValidator.ValidateProgram(program);
        if (diag is not null)
            throw new SharpBpf.Core.Diagnostics.BpfFormatException(diag);
        var starts = new SortedSet<int> { 0 };
        for (int pc = 0; pc < program.Length; pc++)
        {
            if (program[pc].Opcode == Opcodes.CallOpcode && program[pc].Src == (int)CallSource.Local ||
                program[pc].IsWide && program[pc].Src == (int)LoadImm64Source.Func)
                starts.Add(pc + 1 + program[pc].Immediate);
            if (program[pc].IsWide)
                pc++;
        }
        var list = starts.ToList();
        var functions = new List<Function>();
        for (int i = 0; i < list.Count; i++)
        {
            int start = list[i], end = i + 1 < list.Count ? list[i + 1] : program.Length;
            functions.Add(new Function
            {
                Name = i == 0 ? name : $"{name}_sub{start}", Section = i == 0 ? section : ".text", Code = program[start..end], Global = i == 0,
            });
        }
        // Calls and function pointers become references to the function they land in.
        for (int i = 0; i < list.Count; i++)
        {
            var f = functions[i];
            for (int k = 0; k < f.Code.Length; k++)
            {
                var insn = f.Code[k];
                bool call = insn.Opcode == Opcodes.CallOpcode && insn.Src == (int)CallSource.Local;
                bool fptr = insn.IsWide && insn.Src == (int)LoadImm64Source.Func;
                if (call || fptr)
                {
                    int target = list[i] + k + 1 + insn.Immediate;
                    int fi = list.IndexOf(target);
                    f.Refs.Add((k, call ? ReferenceKind.Call : ReferenceKind.FunctionPointer, functions[fi].Name, null, 0));
                }
                if (insn.IsWide)
                    k++;
            }
        }
        var builder = new Writer(null, license, null);
        return builder.Write(functions, new Dictionary<string, MapSpec>(), []);
    }

    /// <summary>Writes a collection spec as an object.</summary>
    public static byte[] Write(CollectionSpec spec)
    {
        var functions = new List<Function>();
        var subs = new Dictionary<string, Function>(StringComparer.Ordinal);
        foreach (var p in spec.Programs.Values.OrderBy(p => p.SectionName, StringComparer.Ordinal).ThenBy(p => p.SectionOffset))
        {
            functions.Add(Slice(p, p.Name, p.SectionName, 0, p.OwnLength, p.IsGlobal));
            for (int i = 0; i < p.SubPrograms.Count; i++)
            {
                var (sub, start) = p.SubPrograms[i];
                if (subs.ContainsKey(sub))
                    continue;
                long size = spec.SubPrograms.TryGetValue(sub, out var range) ? range.Size / 8 : p.Instructions.Length - start;
                subs[sub] = Slice(p, sub, ".text", start, (int)size, global: false);
            }
        }
        functions.AddRange(subs.Values.OrderBy(f => spec.SubPrograms.TryGetValue(f.Name, out var r) ? r.Offset : long.MaxValue));
        var writer = new Writer(spec.Btf, spec.License, spec.KernelVersion);
        return writer.Write(functions, spec.Maps, spec.Externs);

        Function Slice(ProgramSpec p, string name, string section, int start, int length, bool global)
        {
            var f = new Function { Name = name, Section = section, Code = p.Instructions[start..(start + length)], Global = global };
            foreach (var r in p.References)
            {
                if (r.Instruction < start || r.Instruction >= start + length)
                    continue;
                string symbol = r.Symbol;
                long offset = r.Offset;
                if (r.Kind is ReferenceKind.Call or ReferenceKind.FunctionPointer)
                {
                    // The linked target: find the function it lands in and the offset inside it.
                    var owner = p.SubPrograms.Where(s => s.Start <= r.Offset).OrderBy(s => s.Start).LastOrDefault();
                    symbol = owner.Name ?? p.Name;
                    offset = r.Offset - (owner.Name is null ? 0 : owner.Start);
                }
                f.Refs.Add((r.Instruction - start, r.Kind, symbol, r.Section, offset));
            }
            foreach (var fi in p.FuncInfos.Where(x => x.InstructionOffset >= start && x.InstructionOffset < start + length))
                f.FuncInfos.Add(fi with { InstructionOffset = (uint)(fi.InstructionOffset - start) });
            foreach (var li in p.LineInfos.Where(x => x.InstructionOffset >= start && x.InstructionOffset < start + length))
                f.LineInfos.Add(li with { InstructionOffset = (uint)(li.InstructionOffset - start) });
            foreach (var c in p.CoreRelocations.Where(x => x.Instruction >= start && x.Instruction < start + length))
                f.Core.Add(c with { Instruction = c.Instruction - start });
            return f;
        }
    }

    private sealed class Writer(BtfSpec? btf, string license, uint? version)
    {
        private readonly ElfBuilder _elf = new();
        private readonly Dictionary<(string Section, string Name), (int Symbol, uint Offset)> _varSymbols = [];

        public byte[] Write(List<Function> functions, IReadOnlyDictionary<string, MapSpec> maps, IReadOnlyList<ExternSpec> externs)
        {
            // Code sections, in first-use order; .text first as clang does.
            var sectionNames = functions.Select(f => f.Section).Distinct().OrderBy(s => s == ".text" ? 0 : 1).ToList();
            var code = new Dictionary<string, ElfBuilder.Section>();
            var funcPlace = new Dictionary<string, (string Section, int Slot)>(StringComparer.Ordinal);
            foreach (var name in sectionNames)
            {
                var fs = functions.Where(f => f.Section == name).ToList();
                int slot = 0;
                foreach (var f in fs)
                {
                    funcPlace[f.Name] = (name, slot);
                    slot += f.Code.Length;
                }
                var bytes = new byte[slot * 8];
                slot = 0;
                foreach (var f in fs)
                {
                    foreach (var insn in f.Code)
                        insn.Write(bytes.AsSpan(slot++ * 8, 8));
                }
                code[name] = _elf.AddSection(name, ElfSection.TypeProgBits, ElfSection.FlagAlloc | ElfSection.FlagExec, bytes);
            }
            var funcSymbols = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var f in functions)
            {
                var (sec, slot) = funcPlace[f.Name];
                funcSymbols[f.Name] = _elf.AddSymbol(f.Name, f.Global ? ElfSymbol.BindGlobal : 0, ElfSymbol.TypeFunc, code[sec], (ulong)slot * 8, (ulong)f.Code.Length * 8);
            }

            var mapSymbols = WriteMaps(maps, funcSymbols);
            var dataSections = WriteData(maps);
            var externSymbols = new Dictionary<string, int>(StringComparer.Ordinal);
            int Extern(string name, bool func)
            {
                if (!externSymbols.TryGetValue(name, out int sym))
                {
                    bool weak = externs.Any(e => e.Name == name && e.Weak);
                    sym = _elf.AddSymbol(name, weak ? ElfSymbol.BindWeak : ElfSymbol.BindGlobal, func ? ElfSymbol.TypeFunc : 0, null, 0, 0);
                    externSymbols[name] = sym;
                }
                return sym;
            }

            // Relocations.
            foreach (var f in functions)
            {
                var (sec, baseSlot) = funcPlace[f.Name];
                var section = code[sec];
                foreach (var (slot, kind, symbol, refSection, offset) in f.Refs)
                {
                    ulong at = (ulong)(baseSlot + slot) * 8;
                    var insn = f.Code[slot];
                    switch (kind)
                    {
                        case ReferenceKind.Map:
                            section.Relocations.Add((at, mapSymbols[symbol], ElfRelocation.BpfR64_64));
                            Patch(section, at, insn.WithSrc(0).WithImmediate(0));
                            break;
                        case ReferenceKind.Data:
                        {
                            var ds = dataSections.TryGetValue(refSection ?? "", out var named) ? named
                                : throw new InvalidOperationException($"data reference '{symbol}'+{offset} names no data section");
                            // Against the variable's symbol when the object named one (clang does for globals), else the section's.
                            if (_varSymbols.TryGetValue((refSection!, symbol), out var variable))
                            {
                                section.Relocations.Add((at, variable.Symbol, ElfRelocation.BpfR64_64));
                                Patch(section, at, insn.WithSrc(0).WithImmediate((int)(offset - (long)variable.Offset)));
                            }
                            else
                            {
                                section.Relocations.Add((at, _elf.SectionSymbol(ds), ElfRelocation.BpfR64_64));
                                Patch(section, at, insn.WithSrc(0).WithImmediate((int)offset));
                            }
                            break;
                        }
                        // Against the section symbol of the callee's section, as clang does for static
                        // functions: libbpf's sym_is_subprog accepts only that or a global FUNC symbol.
                        case ReferenceKind.Call:
                        {
                            var (targetSection, targetSlot) = funcPlace[symbol];
                            section.Relocations.Add((at, _elf.SectionSymbol(code[targetSection]), ElfRelocation.BpfR64_32));
                            Patch(section, at, insn.WithSrc((int)CallSource.Local).WithImmediate(targetSlot + (int)offset - 1));
                            break;
                        }
                        case ReferenceKind.FunctionPointer:
                        {
                            var (targetSection, targetSlot) = funcPlace[symbol];
                            section.Relocations.Add((at, _elf.SectionSymbol(code[targetSection]), ElfRelocation.BpfR64_64));
                            Patch(section, at, insn.WithSrc(0).WithImmediate((targetSlot + (int)offset) * 8));
                            break;
                        }
                        case ReferenceKind.Kfunc:
                            section.Relocations.Add((at, Extern(symbol, func: true), ElfRelocation.BpfR64_32));
                            Patch(section, at, insn.WithSrc((int)CallSource.Local).WithImmediate(-1));
                            break;
                        default: // kconfig, ksym
                            section.Relocations.Add((at, Extern(symbol, func: false), ElfRelocation.BpfR64_64));
                            Patch(section, at, insn.WithSrc(0).WithImmediate(0));
                            break;
                    }
                }
            }

            if (license.Length > 0)
            {
                var lic = _elf.AddSection("license", ElfSection.TypeProgBits, ElfSection.FlagAlloc | ElfSection.FlagWrite,
                    [.. Encoding.UTF8.GetBytes(license), 0], 1);
                _elf.AddSymbol("_license", ElfSymbol.BindGlobal, ElfSymbol.TypeObject, lic, 0, (ulong)license.Length + 1);
            }
            if (version is { } v)
            {
                var bytes = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, v);
                var ver = _elf.AddSection("version", ElfSection.TypeProgBits, ElfSection.FlagAlloc | ElfSection.FlagWrite, bytes, 4);
                _elf.AddSymbol("_version", ElfSymbol.BindGlobal, ElfSymbol.TypeObject, ver, 0, 4);
            }
            if (btf is not null)
            {
                _elf.AddSection(".BTF", ElfSection.TypeProgBits, 0, btf.Bytes.ToArray(), 4);
                if (BuildBtfExt(functions, funcPlace) is { } ext)
                    _elf.AddSection(".BTF.ext", ElfSection.TypeProgBits, 0, ext, 4);
            }
            return _elf.Build();
        }

        private static void Patch(ElfBuilder.Section section, ulong at, Instruction insn) => insn.Write(section.Data.AsSpan((int)at, 8));

        private Dictionary<string, int> WriteMaps(IReadOnlyDictionary<string, MapSpec> maps, Dictionary<string, int> funcSymbols)
        {
            var symbols = new Dictionary<string, int>(StringComparer.Ordinal);
            var btfMaps = maps.Values.Where(m => m.Origin == MapOrigin.BtfMaps).ToList();
            if (btfMaps.Count > 0)
            {
                var ds = btf?.FindDatasec(".maps") ?? throw new InvalidOperationException("BTF-defined maps need the object's BTF");
                var section = _elf.AddSection(".maps", ElfSection.TypeProgBits, ElfSection.FlagAlloc | ElfSection.FlagWrite, new byte[ds.Size]);
                var place = new Dictionary<string, (uint Offset, uint Size, BtfTypeId Def)>(StringComparer.Ordinal);
                for (int i = 0; i < ds.Vlen; i++)
                {
                    var vsi = ds.VarSecInfo(i);
                    var v = btf.GetType(vsi.Type);
                    place[v.Name] = (vsi.Offset, vsi.Size, v.Type);
                    symbols[v.Name] = _elf.AddSymbol(v.Name, ElfSymbol.BindGlobal, ElfSymbol.TypeObject, section, vsi.Offset, vsi.Size);
                }
                foreach (var m in btfMaps.Where(m => m.InitialValues.Count > 0))
                {
                    var (off, _, def) = place[m.Name];
                    var st = btf.SkipModifiersAndTypedefs(def);
                    uint valuesOffset = 0;
                    for (int i = 0; i < st.Vlen; i++)
                    {
                        if (st.Member(i).Name == "values")
                            valuesOffset = st.Member(i).BitOffset / 8;
                    }
                    foreach (var (index, target) in m.InitialValues)
                    {
                        int sym = funcSymbols.TryGetValue(target, out int f) ? f : symbols[target];
                        section.Relocations.Add((off + valuesOffset + index * 8UL, sym, ElfRelocation.BpfRAbs64));
                    }
                }
            }
            var legacy = maps.Values.Where(m => m.Origin == MapOrigin.Legacy).ToList();
            if (legacy.Count > 0)
            {
                var bytes = new byte[legacy.Count * 20];
                var section = _elf.AddSection("maps", ElfSection.TypeProgBits, ElfSection.FlagAlloc | ElfSection.FlagWrite, bytes, 4);
                for (int i = 0; i < legacy.Count; i++)
                {
                    var m = legacy[i];
                    var d = bytes.AsSpan(i * 20);
                    BinaryPrimitives.WriteUInt32LittleEndian(d, (uint)m.Type);
                    BinaryPrimitives.WriteUInt32LittleEndian(d[4..], m.KeySize);
                    BinaryPrimitives.WriteUInt32LittleEndian(d[8..], m.ValueSize);
                    BinaryPrimitives.WriteUInt32LittleEndian(d[12..], m.MaxEntries);
                    BinaryPrimitives.WriteUInt32LittleEndian(d[16..], m.Flags);
                    symbols[m.Name] = _elf.AddSymbol(m.Name, ElfSymbol.BindGlobal, ElfSymbol.TypeObject, section, (ulong)i * 20, 20);
                }
            }
            return symbols;
        }

        private Dictionary<string, ElfBuilder.Section> WriteData(IReadOnlyDictionary<string, MapSpec> maps)
        {
            var sections = new Dictionary<string, ElfBuilder.Section>(StringComparer.Ordinal);
            foreach (var m in maps.Values.Where(m => m.Origin == MapOrigin.Data && m.SectionName != ".kconfig"))
            {
                ulong flags = ElfSection.FlagAlloc | (m.ReadOnly ? 0 : ElfSection.FlagWrite);
                var s = m.SectionName.StartsWith(".bss", StringComparison.Ordinal)
                    ? _elf.AddNoBits(m.SectionName, flags, m.ValueSize)
                    : _elf.AddSection(m.SectionName, ElfSection.TypeProgBits, flags, m.Contents ?? new byte[m.ValueSize]);
                sections[m.SectionName] = s;
                _elf.SectionSymbol(s);
                // libbpf finds each DATASEC variable's offset through its symbol.
                if (btf?.FindDatasec(m.SectionName) is { } ds)
                {
                    for (int i = 0; i < ds.Vlen; i++)
                    {
                        var vsi = ds.VarSecInfo(i);
                        var v = btf.GetType(vsi.Type);
                        if (v.Kind != BtfKind.Var)
                            continue;
                        int bind = v.VarLinkage == BtfLinkage.Static ? 0 : ElfSymbol.BindGlobal;
                        _varSymbols[(m.SectionName, v.Name)] = (_elf.AddSymbol(v.Name, bind, ElfSymbol.TypeObject, s, vsi.Offset, vsi.Size), vsi.Offset);
                    }
                }
            }
            return sections;
        }

        private byte[]? BuildBtfExt(List<Function> functions, Dictionary<string, (string Section, int Slot)> place)
        {
            var func = new Dictionary<string, List<BtfFuncInfo>>();
            var line = new Dictionary<string, List<BtfLineInfo>>();
            var core = new Dictionary<string, List<CoreRelocationRecord>>();
            foreach (var f in functions)
            {
                var (sec, baseSlot) = place[f.Name];
                uint Off(uint slot) => (uint)(baseSlot + slot) * 8;
                foreach (var fi in f.FuncInfos)
                    Add(func, sec, fi with { InstructionOffset = Off(fi.InstructionOffset) });
                foreach (var li in f.LineInfos)
                    Add(line, sec, li with { InstructionOffset = Off(li.InstructionOffset) });
                foreach (var c in f.Core)
                    Add(core, sec, c.Record with { InstructionOffset = Off((uint)c.Instruction) });
            }
            if (func.Count == 0 && line.Count == 0 && core.Count == 0)
                return null;
            var body = new MemoryStream();
            uint funcOff = 0, funcLen = Section(body, func, 8, (w, r) => { w(r.InstructionOffset); w(r.TypeId.Value); });
            uint lineOff = (uint)body.Length, lineLen = Section(body, line, 16,
                (w, r) => { w(r.InstructionOffset); w(r.FileNameOffset); w(r.LineOffset); w((r.Line << 10) | (r.Column & 0x3ff)); });
            uint coreOff = (uint)body.Length, coreLen = Section(body, core, 16,
                (w, r) => { w(r.InstructionOffset); w(r.TypeId.Value); w(r.AccessStringOffset); w((uint)r.Kind); });
            var header = new byte[32];
            BinaryPrimitives.WriteUInt16LittleEndian(header, BtfSpec.Magic);
            header[2] = 1;
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 32);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), funcOff);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), funcLen);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), lineOff);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), lineLen);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), coreOff);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), coreLen);
            return [.. header, .. body.ToArray()];
        }

        private uint Section<T>(MemoryStream body, Dictionary<string, List<T>> records, uint recordSize, Action<Action<uint>, T> write)
        {
            if (records.Count == 0)
                return 0;
            long start = body.Length;
            var b = new byte[4];
            void W(uint v)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, v);
                body.Write(b);
            }
            W(recordSize);
            foreach (var (sec, list) in records)
            {
                if (btf!.FindString(sec) is not { } nameOff)
                    continue;
                W(nameOff);
                W((uint)list.Count);
                foreach (var r in list)
                    write(W, r);
            }
            return (uint)(body.Length - start);
        }

        private static void Add<T>(Dictionary<string, List<T>> d, string key, T value)
        {
            if (!d.TryGetValue(key, out var list))
                d[key] = list = [];
            list.Add(value);
        }
    }
}
