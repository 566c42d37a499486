using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Core.Formatting;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.ObjectFile.Printing;

/// <summary>
/// <c>sharpbpf obj dump</c>: each code section disassembled as llvm-objdump -d lays it out (section
/// offsets, raw bytes, <c>&lt;label&gt;</c> lines from the symbol table), with what the relocations mean
/// written after the instruction (<c># map counts</c>), helper and function names at calls, and with
/// <c>--source</c> the C lines from BTF line_info (<c>; ...</c>, as <c>llvm-objdump -dS</c>).
/// </summary>
public static class ObjectDumpPrinter
{
    /// <summary>Writes the disassembly of every code section, or only <paramref name="section"/>.</summary>
    public static void Dump(ObjectFileView view, TextWriter w, string? section, bool source, IInstructionFormatter? formatter = null)
    {
        formatter ??= LlvmFormatter.Instance;
        var elf = view.Elf;
        var btf = view.Spec.Btf;
        bool any = false;
        w.WriteLine();
        w.WriteLine($"{System.IO.Path.GetFileName(view.Path)}:\tfile format elf64-bpf");
        foreach (var s in elf.Sections)
        {
            if (!s.IsExecutable || s.Size == 0 || section is not null && s.Name != section)
                continue;
            any = true;
            w.WriteLine();
            w.WriteLine($"Disassembly of section {s.Name}:");
            var bytes = elf.GetData(s);
            var code = new Instruction[bytes.Length / 8];
            for (int i = 0; i < code.Length; i++)
                code[i] = Instruction.Read(bytes.Slice(i * 8, 8));
            var labels = new Dictionary<int, string>();
            foreach (var y in elf.Symbols.Where(y => y.SectionIndex == s.Index && y.SymbolType is ElfSymbol.TypeFunc or 0 && y.Name.Length > 0).OrderBy(y => y.Value))
                labels.TryAdd((int)(y.Value / 8), y.Name);
            var notes = Annotations(view, s, code);
            // llvm-objdump -S prints a source line when it changes, not at every line_info record.
            var lines = new Dictionary<int, string>();
            if (source && btf is not null && view.Spec.BtfExt?.LineInfos.TryGetValue(s.Name, out var li) == true)
            {
                (uint File, uint Line) last = (uint.MaxValue, 0);
                foreach (var l in li.OrderBy(l => l.InstructionOffset))
                {
                    if ((l.FileNameOffset, l.Line) == last)
                        continue;
                    last = (l.FileNameOffset, l.Line);
                    lines.TryAdd((int)(l.InstructionOffset / 8), btf.GetString(l.LineOffset).Trim());
                }
            }
            for (int pc = 0; pc < code.Length; pc++)
            {
                if (labels.TryGetValue(pc, out var label))
                {
                    w.WriteLine();
                    w.WriteLine($"{pc * 8L:x16} <{label}>:");
                }
                if (lines.TryGetValue(pc, out var text) && text.Length > 0)
                    w.WriteLine($"; {text}");
                var insn = code[pc];
                bool wide = insn.IsWide && pc + 1 < code.Length;
                w.Write($"{pc,8}:\t{Bytes(insn)}");
                if (wide)
                    w.Write(" " + Bytes(code[pc + 1]));
                w.Write("\t" + formatter.Format(code, pc));
                // A relocated call or lddw points where its relocation says, not at pc+imm.
                bool relocated = notes.TryGetValue(pc, out var note) && !(insn.Opcode == Opcodes.CallOpcode && insn.Src == 0);
                if (!relocated && InstructionValidator.TryGetTarget(code, pc, out long target) && labels.TryGetValue((int)Math.Clamp(target, -1, int.MaxValue), out var tl))
                    w.Write($" <{tl}>");
                if (note is not null)
                    w.Write("  # " + note);
                w.WriteLine();
                if (wide)
                    pc++;
            }
        }
        if (!any && section is not null)
            throw new ArgumentException($"no code section named '{section}'");
    }

    /// <summary>What each relocated or helper-calling instruction refers to.</summary>
    private static Dictionary<int, string> Annotations(ObjectFileView view, ElfSection s, Instruction[] code)
    {
        var elf = view.Elf;
        var notes = new Dictionary<int, string>();
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (code[pc].Opcode == Opcodes.CallOpcode && code[pc].Src == 0 && HelperIds.NameOf(code[pc].Immediate) is { } helper)
                notes[pc] = helper;
        }
        foreach (var r in elf.Sections.Where(r => r.Type is ElfSection.TypeRel or ElfSection.TypeRela && r.Info == s.Index))
        {
            if (!elf.TryGetRelocations(r, out var relocs, out _))
                continue;
            foreach (var rel in relocs)
            {
                int pc = (int)(rel.Offset / 8);
                if (pc >= code.Length)
                    continue;
                var sym = elf.Symbols[rel.SymbolIndex];
                var insn = code[pc];
                string target = sym.SymbolType == ElfSymbol.TypeSection && sym.SectionIndex < elf.Sections.Count ? elf.Sections[sym.SectionIndex].Name : sym.Name;
                string where = sym.SectionIndex < elf.Sections.Count && !sym.IsUndefined ? elf.Sections[sym.SectionIndex].Name : "";
                string note;
                if (sym.IsUndefined)
                {
                    var ext = view.Spec.Externs.FirstOrDefault(e => e.Name == sym.Name);
                    string kind = insn.Opcode == Opcodes.CallOpcode ? "kfunc" : ext?.Kind is { } k ? ObjectShowPrinter.KindName(k) : "extern";
                    note = $"{kind} {sym.Name}";
                }
                else if (where is ".maps" or "maps")
                {
                    note = $"map {target}";
                }
                else if (CollectionLoader.IsDataSection(where))
                {
                    long off = (long)sym.Value + (insn.IsWide ? (uint)insn.Immediate : 0);
                    note = sym.SymbolType == ElfSymbol.TypeSection ? $"{where}+{off}{VarAt(view, where, off)}" : $"{sym.Name} ({where}+{off})";
                }
                else if (insn.Opcode == Opcodes.CallOpcode)
                {
                    long slot = (long)(sym.Value / 8) + insn.Immediate + 1;
                    note = $"call {FunctionAt(elf, sym.SectionIndex, slot) ?? target}";
                }
                else if (insn.IsWide)
                {
                    long slot = (long)(sym.Value / 8) + insn.Immediate / 8;
                    note = $"callback {FunctionAt(elf, sym.SectionIndex, slot) ?? target}";
                }
                else
                {
                    note = $"{ElfRelocation.TypeName(rel.Type)} {target}";
                }
                notes[pc] = note;
            }
        }
        return notes;
    }

    private static string VarAt(ObjectFileView view, string section, long offset)
    {
        if (view.Spec.Btf?.FindDatasec(section) is not { } ds)
            return "";
        for (int i = 0; i < ds.Vlen; i++)
        {
            var v = ds.VarSecInfo(i);
            if (offset >= v.Offset && offset < v.Offset + v.Size)
                return $" ({view.Spec.Btf.GetType(v.Type).Name}{(offset > v.Offset ? "+" + (offset - v.Offset).ToString(CultureInfo.InvariantCulture) : "")})";
        }
        return "";
    }

    private static string? FunctionAt(ElfFile elf, int sectionIndex, long slot) =>
        elf.Symbols.Where(y => y.SectionIndex == sectionIndex && y.SymbolType == ElfSymbol.TypeFunc && (long)y.Value / 8 <= slot)
            .OrderBy(y => y.Value).LastOrDefault() is { } f
            ? (slot == (long)f.Value / 8 ? f.Name : $"{f.Name}+{(slot - (long)f.Value / 8) * 8}")
            : null;

    private static string Bytes(Instruction insn)
    {
        ulong raw = insn.RawValue;
        var sb = new System.Text.StringBuilder(23);
        for (int i = 0; i < 8; i++)
        {
            if (i > 0)
                sb.Append(' ');
            sb.Append(((byte)(raw >> (8 * i))).ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
