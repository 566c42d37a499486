using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.ObjectFile.Spec;

public static partial class CollectionLoader
{
    private sealed partial class Reader
    {
        private Dictionary<string, ProgramSpec> BuildPrograms(string license)
        {
            var programs = new Dictionary<string, ProgramSpec>(StringComparer.Ordinal);
            foreach (var s in _exec.Values.OrderBy(s => s.Section.Index))
            {
                if (s.Section.Name == ".text")
                    continue;
                var info = SectionDefinitions.Lookup(s.Section.Name);
                var funcs = s.Functions.Count > 0 ? s.Functions
                    : [new ElfSymbol(-1, s.Section.Name, (ElfSymbol.BindGlobal << 4) | ElfSymbol.TypeFunc, 0, (ushort)s.Section.Index, 0, s.Section.Size)];
                foreach (var f in funcs)
                {
                    if (programs.ContainsKey(f.Name))
                        throw Bad(ObjectDiagnosticIds.ObjectSpec, $"two programs are named '{f.Name}'", (long)s.Section.Offset);
                    programs[f.Name] = Link(s, f, info, license);
                }
            }
            return programs;
        }

        /// <summary>
        /// Builds one program: the function, then (depth first, as libbpf's bpf_object__reloc_code)
        /// every sub-program it calls, with call immediates re-targeted to the appended copies.
        /// </summary>
        private ProgramSpec Link(ExecSection entrySection, ElfSymbol entry, SectionInfo? info, string license)
        {
            var code = new List<Instruction>();
            var refs = new List<ProgramReference>();
            var funcInfos = new List<BtfFuncInfo>();
            var lineInfos = new List<BtfLineInfo>();
            var core = new List<ProgramCoreRelocation>();
            var placed = new Dictionary<(int Section, ulong Start), int>();
            var subs = new List<(string, int)>();

            int Append(ExecSection s, ElfSymbol f)
            {
                int start = code.Count;
                placed[(s.Section.Index, f.Value)] = start;
                int first = (int)(f.Value / 8), count = (int)(FunctionSize(s, f) / 8);
                if (first + count > s.Code.Length)
                    throw Bad(ObjectDiagnosticIds.ElfSymbol, $"function '{f.Name}' extends past its section '{s.Section.Name}'", (long)s.Section.Offset);
                for (int i = 0; i < count; i++)
                    code.Add(s.Code[first + i]);
                CopyExtInfo(s.Section.Name, first, count, start, funcInfos, lineInfos, core);

                var relocBySlot = new Dictionary<int, ElfRelocation>();
                foreach (var r in s.Relocations)
                {
                    int slot = (int)(r.Offset / 8);
                    if (slot >= first && slot < first + count)
                        relocBySlot[slot] = r;
                }
                for (int i = 0; i < count; i++)
                {
                    int slot = first + i, at = start + i;
                    var insn = s.Code[slot];
                    relocBySlot.TryGetValue(slot, out var rel);
                    bool hasRel = relocBySlot.ContainsKey(slot);
                    if (insn.IsWide)
                    {
                        if (hasRel)
                            ClassifyLoad(s, slot, at, insn, rel, refs, code, Append, placed);
                        i++;
                        continue;
                    }
                    if (insn.Opcode != Opcodes.CallOpcode)
                    {
                        if (hasRel)
                            throw Bad(ObjectDiagnosticIds.ElfRelocation,
                                $"relocation at {s.Section.Name}+0x{slot * 8:x} is on instruction 0x{insn.Opcode:x2}, not lddw or call", (long)s.Section.Offset + slot * 8);
                        continue;
                    }
                    ExecSection targetSection;
                    long targetSlot;
                    if (hasRel)
                    {
                        var sym = elf.Symbols[rel.SymbolIndex];
                        if (sym.IsUndefined)
                        {
                            refs.Add(new ProgramReference(at, ReferenceKind.Kfunc, sym.Name, null, 0));
                            code[at] = insn.WithSrc((int)CallSource.Kfunc).WithImmediate(0);
                            continue;
                        }
                        if (!_exec.TryGetValue(sym.SectionIndex, out targetSection!))
                            throw Bad(ObjectDiagnosticIds.ElfRelocation, $"call at {s.Section.Name}+0x{slot * 8:x} refers to '{sym.Name}', which is not code",
                                (long)s.Section.Offset + slot * 8);
                        targetSlot = (long)(sym.Value / 8) + insn.Immediate + 1;
                    }
                    else if (insn.Src == (int)CallSource.Local)
                    {
                        targetSection = s;
                        targetSlot = slot + insn.Immediate + 1L;
                    }
                    else
                    {
                        continue; // helper call
                    }
                    int newTarget = Place(targetSection, targetSlot, s, slot, Append, placed);
                    code[at] = insn.WithSrc((int)CallSource.Local).WithImmediate(newTarget - at - 1);
                    refs.Add(new ProgramReference(at, ReferenceKind.Call, NameAt(targetSection, targetSlot), targetSection.Section.Name, newTarget));
                }
                return start;
            }

            int own = (int)(FunctionSize(entrySection, entry) / 8);
            Append(entrySection, entry);
            foreach (var ((sec, start), at) in placed.OrderBy(p => p.Value))
            {
                if (at == 0)
                    continue;
                var s = _exec[sec];
                subs.Add((s.Functions.First(f => f.Value == start).Name, at));
            }
            refs.Sort((a, b) => a.Instruction.CompareTo(b.Instruction));
            return new ProgramSpec
            {
                Name = entry.Name, SectionName = entrySection.Section.Name, Type = info?.Type ?? ProgramType.Unspec,
                AttachType = info?.AttachType, AttachTarget = info?.AttachTarget, Sleepable = info?.Sleepable ?? false,
                SectionOffset = (long)entry.Value, Instructions = [.. code], OwnLength = own, SubPrograms = subs, References = refs,
                FuncInfos = funcInfos, LineInfos = lineInfos, CoreRelocations = core, License = license,
                IsGlobal = entry.Binding == ElfSymbol.BindGlobal,
            };
        }

        private delegate int AppendFunc(ExecSection s, ElfSymbol f);

        /// <summary>The slot in the program where a target function's instruction lands (appending the function if needed).</summary>
        private int Place(ExecSection targetSection, long targetSlot, ExecSection from, int fromSlot, AppendFunc append, Dictionary<(int, ulong), int> placed)
        {
            if (targetSlot < 0 || targetSlot >= targetSection.Code.Length)
                throw Bad(ObjectDiagnosticIds.ElfRelocation,
                    $"call at {from.Section.Name}+0x{fromSlot * 8:x} targets slot {targetSlot}, outside '{targetSection.Section.Name}'",
                    (long)from.Section.Offset + fromSlot * 8);
            var fn = targetSection.Functions.LastOrDefault(f => (long)f.Value / 8 <= targetSlot)
                ?? throw Bad(ObjectDiagnosticIds.ElfRelocation,
                    $"call at {from.Section.Name}+0x{fromSlot * 8:x} targets '{targetSection.Section.Name}'+{targetSlot * 8}, which is in no function",
                    (long)from.Section.Offset + fromSlot * 8);
            if (!placed.TryGetValue((targetSection.Section.Index, fn.Value), out int start))
                start = append(targetSection, fn);
            return start + (int)(targetSlot - (long)fn.Value / 8);
        }

        private static string NameAt(ExecSection s, long slot) =>
            s.Functions.LastOrDefault(f => (long)f.Value / 8 <= slot)?.Name ?? $"{s.Section.Name}+{slot * 8}";

        private void ClassifyLoad(ExecSection s, int slot, int at, Instruction insn, ElfRelocation rel, List<ProgramReference> refs,
            List<Instruction> code, AppendFunc append, Dictionary<(int, ulong), int> placed)
        {
            var sym = elf.Symbols[rel.SymbolIndex];
            long where = (long)s.Section.Offset + slot * 8;
            if (sym.IsUndefined)
            {
                var kind = _externs.TryGetValue(sym.Name, out var ext) && ext.Kind is { } k ? k : ReferenceKind.Kconfig;
                refs.Add(new ProgramReference(at, kind == ReferenceKind.Kfunc ? ReferenceKind.Ksym : kind, sym.Name, kind == ReferenceKind.Kconfig ? ".kconfig" : null, 0));
                return;
            }
            if (sym.SectionIndex >= elf.Sections.Count)
                throw Bad(ObjectDiagnosticIds.ElfRelocation, $"lddw at {s.Section.Name}+0x{slot * 8:x} refers to symbol '{sym.Name}' in section {sym.SectionIndex}", where);
            var target = elf.Sections[sym.SectionIndex];
            if (target.Name is ".maps" or "maps")
            {
                string name = sym.SymbolType == ElfSymbol.TypeSection ? LegacyMapAt(target, (ulong)insn.Immediate) : sym.Name;
                refs.Add(new ProgramReference(at, ReferenceKind.Map, name, target.Name, 0));
                return;
            }
            if (_exec.TryGetValue(target.Index, out var fnSection))
            {
                long targetSlot = (long)(sym.Value / 8) + insn.Immediate / 8;
                int newTarget = Place(fnSection, targetSlot, s, slot, append, placed);
                code[at] = insn.WithSrc((int)LoadImm64Source.Func).WithImmediate(newTarget - at - 1);
                refs.Add(new ProgramReference(at, ReferenceKind.FunctionPointer, NameAt(fnSection, targetSlot), target.Name, newTarget));
                return;
            }
            if (IsDataSection(target.Name))
            {
                long offset = (long)sym.Value + (uint)insn.Immediate;
                string name = sym.SymbolType == ElfSymbol.TypeSection ? target.Name : sym.Name;
                refs.Add(new ProgramReference(at, ReferenceKind.Data, name, target.Name, offset));
                return;
            }
            throw Bad(ObjectDiagnosticIds.ElfRelocation,
                $"lddw at {s.Section.Name}+0x{slot * 8:x} refers to '{sym.Name}' in section '{target.Name}', which holds no maps or data", where);
        }

        private string LegacyMapAt(ElfSection maps, ulong offset) =>
            elf.Symbols.FirstOrDefault(y => y.SectionIndex == maps.Index && y.SymbolType != ElfSymbol.TypeSection && y.Value == offset)?.Name
            ?? $"{maps.Name}+{offset}";

        private void CopyExtInfo(string section, int first, int count, int start,
            List<BtfFuncInfo> funcInfos, List<BtfLineInfo> lineInfos, List<ProgramCoreRelocation> core)
        {
            if (_ext is null)
                return;
            uint lo = (uint)first * 8, hi = (uint)(first + count) * 8;
            uint Rebase(uint off) => (uint)(off - lo) + (uint)start * 8;
            if (_ext.FuncInfos.TryGetValue(section, out var fi))
            {
                foreach (var f in fi)
                {
                    if (f.InstructionOffset >= lo && f.InstructionOffset < hi)
                        funcInfos.Add(f with { InstructionOffset = Rebase(f.InstructionOffset) / 8 });
                }
            }
            if (_ext.LineInfos.TryGetValue(section, out var li))
            {
                foreach (var l in li)
                {
                    if (l.InstructionOffset >= lo && l.InstructionOffset < hi)
                        lineInfos.Add(l with { InstructionOffset = Rebase(l.InstructionOffset) / 8 });
                }
            }
            if (_ext.CoreRelocations.TryGetValue(section, out var cr))
            {
                foreach (var c in cr)
                {
                    if (c.InstructionOffset >= lo && c.InstructionOffset < hi)
                        core.Add(new ProgramCoreRelocation((int)(Rebase(c.InstructionOffset) / 8), c, _btf!.GetString(c.AccessStringOffset)));
                }
            }
        }
    }
}
