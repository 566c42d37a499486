using System.Globalization;
using System.Text;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Printing;

/// <summary>
/// <c>sharpbpf obj show</c>: sections, programs, maps, global data, relocations, externs and a BTF
/// summary of an object — what llvm-readelf, llvm-objdump and bpftool show piecemeal, in one place.
/// </summary>
public static class ObjectShowPrinter
{
    /// <summary>Writes the text report.</summary>
    public static void Text(ObjectFileView view, TextWriter w)
    {
        var spec = view.Spec;
        var elf = view.Elf;
        w.Write($"{System.IO.Path.GetFileName(view.Path)}: BPF object, license \"{spec.License}\"");
        if (spec.KernelVersion is { } kv)
            w.Write($", kernel version 0x{kv:x}");
        w.WriteLine($", {spec.Programs.Count} program{Plural(spec.Programs.Count)}, {spec.Maps.Count} map{Plural(spec.Maps.Count)}");

        w.WriteLine();
        w.WriteLine("Sections:");
        int nameWidth = Math.Max(4, elf.Sections.Where(Shown).Select(s => s.Name.Length).DefaultIfEmpty(4).Max());
        w.WriteLine($"  [Nr] {Pad("Name", nameWidth)}  {Pad("Type", 12)}  {Pad("Size", 8)}  Flg  Contents");
        foreach (var s in elf.Sections.Where(Shown))
            w.WriteLine($"  [{s.Index,2}] {Pad(s.Name, nameWidth)}  {Pad(s.TypeName, 12)}  {Pad("0x" + s.Size.ToString("x", CultureInfo.InvariantCulture), 8)}  {Pad(Flags(s), 3)}  {Role(view, s)}".TrimEnd());

        w.WriteLine();
        w.WriteLine("Programs:");
        if (spec.Programs.Count == 0)
            w.WriteLine("  (none)");
        foreach (var p in spec.Programs.Values)
        {
            w.WriteLine($"  {p.Name}");
            w.WriteLine($"    section    {p.SectionName}");
            var type = new StringBuilder(UapiNames.NameOf(p.Type) ?? p.Type.ToString());
            if (p.AttachType is { } at)
                type.Append(", attach ").Append(UapiNames.NameOf(at) ?? at.ToString());
            if (p.AttachTarget is { } target)
                type.Append(", target ").Append(target);
            if (p.Sleepable)
                type.Append(", sleepable");
            w.WriteLine($"    type       {type}");
            w.Write($"    size       {p.Instructions.Length} insns ({p.Instructions.Length * 8} bytes)");
            if (p.SubPrograms.Count > 0)
                w.Write($", own {p.OwnLength}, sub-programs {string.Join(", ", p.SubPrograms.Select(s => $"{s.Name} at {s.Start}"))}");
            w.WriteLine();
            Line(w, "calls", p.References.Where(r => r.Kind == ReferenceKind.Call).Select(r => r.Symbol));
            Line(w, "maps", p.References.Where(r => r.Kind == ReferenceKind.Map).Select(r => r.Symbol));
            Line(w, "data", p.References.Where(r => r.Kind == ReferenceKind.Data)
                .Select(r => r.Symbol == r.Section ? $"{r.Section}+{r.Offset}" : $"{r.Symbol} ({r.Section}+{r.Offset})"));
            Line(w, "callbacks", p.References.Where(r => r.Kind == ReferenceKind.FunctionPointer).Select(r => r.Symbol));
            Line(w, "externs", p.References.Where(r => r.Kind is ReferenceKind.Kconfig or ReferenceKind.Ksym or ReferenceKind.Kfunc)
                .Select(r => $"{r.Symbol} ({KindName(r.Kind)})"));
            var helpers = p.Instructions.Where(i => i.Opcode == Opcodes.CallOpcode && i.Src == 0)
                .Select(i => HelperIds.NameOf(i.Immediate) ?? $"helper#{i.Immediate}");
            Line(w, "helpers", helpers);
            if (p.CoreRelocations.Count > 0)
                w.WriteLine($"    co-re      {p.CoreRelocations.Count} relocation{Plural(p.CoreRelocations.Count)}");
        }

        w.WriteLine();
        w.WriteLine("Maps:");
        if (spec.Maps.Count == 0)
            w.WriteLine("  (none)");
        foreach (var m in spec.Maps.Values)
            w.WriteLine("  " + MapLine(spec.Btf, m));

        var data = spec.Maps.Values.Where(m => m.Origin == MapOrigin.Data).ToList();
        if (data.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Global data:");
            foreach (var m in data)
            {
                w.WriteLine($"  {m.Name} ({m.ValueSize} bytes{(m.ReadOnly ? ", read-only" : "")})");
                if (spec.Btf?.FindDatasec(m.SectionName) is { } ds)
                {
                    for (int i = 0; i < ds.Vlen; i++)
                    {
                        var v = ds.VarSecInfo(i);
                        var vt = spec.Btf.GetType(v.Type);
                        string linkage = vt.Kind == BtfKind.Var ? vt.VarLinkage.ToString().ToLowerInvariant() : "func";
                        w.WriteLine($"    +{v.Offset,-6} {v.Size,5}  {vt.Name}: {BtfTypeNames.Describe(spec.Btf, vt.Type)} ({linkage})");
                    }
                }
            }
        }

        w.WriteLine();
        w.WriteLine("Relocations:");
        int count = 0;
        foreach (var r in elf.Sections.Where(s => s.Type is ElfSection.TypeRel or ElfSection.TypeRela))
        {
            if (r.Info >= elf.Sections.Count)
                continue;
            var target = elf.Sections[(int)r.Info];
            if (target.Name.StartsWith(".debug", StringComparison.Ordinal) || target.Name is ".BTF" or ".BTF.ext")
                continue;
            if (!elf.TryGetRelocations(r, out var relocs, out _))
                continue;
            foreach (var rel in relocs)
            {
                var sym = elf.Symbols[rel.SymbolIndex];
                string symName = sym.SymbolType == ElfSymbol.TypeSection && sym.SectionIndex < elf.Sections.Count ? elf.Sections[sym.SectionIndex].Name : sym.Name;
                w.WriteLine($"  {target.Name}+0x{rel.Offset:x}  {ElfRelocation.TypeName(rel.Type)}  {symName}{(sym.IsUndefined ? " (extern)" : "")}");
                count++;
            }
        }
        if (count == 0)
            w.WriteLine("  (none)");

        w.WriteLine();
        w.Write("Externs:");
        if (spec.Externs.Count == 0)
            w.WriteLine(" (none)");
        else
        {
            w.WriteLine();
            foreach (var e in spec.Externs)
                w.WriteLine($"  {e.Name}: {(e.Kind is { } k ? KindName(k) : "unresolved (no .kconfig/.ksyms BTF)")}{(e.Weak ? ", weak" : "")}");
        }

        w.WriteLine();
        if (spec.Btf is { } btf)
        {
            var kinds = new int[32];
            for (uint id = 1; id < (uint)btf.TypeCount; id++)
                kinds[(int)btf.GetType(id).Kind]++;
            var parts = Enumerable.Range(0, kinds.Length).Where(k => kinds[k] > 0).Select(k => $"{BtfKindNames.Of((BtfKind)k)} {kinds[k]}");
            w.WriteLine($"BTF: {btf.TypeCount - 1} types ({string.Join(", ", parts)}), {btf.StringsLength} bytes of strings");
            if (spec.BtfExt is { } ext)
            {
                w.WriteLine($"BTF.ext: func_info {ext.FuncInfos.Values.Sum(l => l.Count)}, line_info {ext.LineInfos.Values.Sum(l => l.Count)}, " +
                    $"CO-RE relocations {ext.CoreRelocations.Values.Sum(l => l.Count)}");
            }
        }
        else
        {
            w.WriteLine("BTF: none (compile with clang -g)");
        }
    }

    internal static string MapLine(BtfSpec? btf, MapSpec m)
    {
        var sb = new StringBuilder();
        sb.Append(m.Name).Append("  ").Append(UapiNames.NameOf(m.Type) ?? $"type {(int)m.Type}");
        sb.Append("  key ").Append(TypeAndSize(btf, m.KeyType, m.KeySize));
        sb.Append("  value ").Append(TypeAndSize(btf, m.ValueType, m.ValueSize));
        sb.Append("  max_entries ").Append(m.MaxEntries);
        if (m.Flags != 0)
            sb.Append(CultureInfo.InvariantCulture, $"  flags 0x{m.Flags:x}");
        if (m.MapExtra != 0)
            sb.Append(CultureInfo.InvariantCulture, $"  map_extra 0x{m.MapExtra:x}");
        if (m.Pinning == PinType.ByName)
            sb.Append("  pinned by name");
        if (m.InnerMap is { } inner)
            sb.Append("  inner: ").Append(MapLine(btf, inner));
        if (m.InitialValues.Count > 0)
            sb.Append("  values: ").Append(string.Join(", ", m.InitialValues.Select(v => $"[{v.Index}]={v.Name}")));
        sb.Append("  (").Append(m.Origin switch
        {
            MapOrigin.BtfMaps => "BTF .maps",
            MapOrigin.Legacy => "legacy maps",
            MapOrigin.Data => "global data",
            _ => "inner map",
        }).Append(')');
        return sb.ToString();
    }

    private static string TypeAndSize(BtfSpec? btf, BtfTypeId type, uint size) =>
        btf is not null && !type.IsVoid ? $"{BtfTypeNames.Describe(btf, type)} ({size})" : size.ToString(CultureInfo.InvariantCulture);

    internal static string KindName(ReferenceKind k) => k switch
    {
        ReferenceKind.Kconfig => "kconfig",
        ReferenceKind.Ksym => "ksym",
        ReferenceKind.Kfunc => "kfunc",
        ReferenceKind.Map => "map",
        ReferenceKind.Data => "data",
        ReferenceKind.Call => "call",
        _ => "callback",
    };

    private static bool Shown(ElfSection s) =>
        s.Index > 0 && !s.Name.StartsWith(".debug", StringComparison.Ordinal) && !s.Name.StartsWith(".rel.debug", StringComparison.Ordinal) &&
        s.Type is not (ElfSection.TypeStrTab or ElfSection.TypeSymTab or ElfSection.TypeLlvmAddrsig);

    private static string Flags(ElfSection s) =>
        ((s.Flags & ElfSection.FlagWrite) != 0 ? "W" : "") + ((s.Flags & ElfSection.FlagAlloc) != 0 ? "A" : "") + ((s.Flags & ElfSection.FlagExec) != 0 ? "X" : "");

    private static string Role(ObjectFileView view, ElfSection s)
    {
        var spec = view.Spec;
        if (s.Type is ElfSection.TypeRel or ElfSection.TypeRela)
            return s.Info < view.Elf.Sections.Count ? $"relocations of {view.Elf.Sections[(int)s.Info].Name}" : "relocations";
        if (s.IsExecutable)
        {
            var progs = spec.Programs.Values.Where(p => p.SectionName == s.Name).Select(p => p.Name).ToList();
            if (progs.Count > 0)
                return $"program{Plural(progs.Count)} {string.Join(", ", progs)}";
            var subs = spec.SubPrograms.Keys.ToList();
            return s.Name == ".text" ? $"sub-programs: {string.Join(", ", subs)}" : "code";
        }
        return s.Name switch
        {
            ".maps" => $"BTF maps: {string.Join(", ", spec.Maps.Values.Where(m => m.Origin == MapOrigin.BtfMaps).Select(m => m.Name))}",
            "maps" => $"legacy maps: {string.Join(", ", spec.Maps.Values.Where(m => m.Origin == MapOrigin.Legacy).Select(m => m.Name))}",
            "license" => $"license \"{spec.License}\"",
            "version" => "kernel version",
            ".BTF" => "BTF types",
            ".BTF.ext" => "BTF func_info, line_info, CO-RE relocations",
            _ when CollectionLoader.IsDataSection(s.Name) => "global data",
            _ => "",
        };
    }

    private static void Line(TextWriter w, string label, IEnumerable<string> items)
    {
        var list = items.Distinct().ToList();
        if (list.Count > 0)
            w.WriteLine($"    {label,-10} {string.Join(", ", list)}");
    }

    private static string Pad(string s, int width) => s.Length >= width ? s : s + new string(' ', width - s.Length);

    private static string Plural(int n) => n == 1 ? "" : "s";

    /// <summary>Writes the report as JSON (bpftool style: compact, or pretty with -p).</summary>
    public static void Json(ObjectFileView view, Utf8Output output, bool pretty)
    {
        var spec = view.Spec;
        var w = new JsonWriter(output, pretty);
        w.StartObject();
        w.Field("file", view.Path);
        w.Field("license", spec.License);
        if (spec.KernelVersion is { } kv)
            w.Field("kernel_version", kv);
        w.Name("sections");
        w.StartArray();
        foreach (var s in view.Elf.Sections.Where(s => s.Index > 0))
        {
            w.StartObject();
            w.Field("index", (ulong)s.Index);
            w.Field("name", s.Name);
            w.Field("type", s.TypeName);
            w.Field("size", s.Size);
            w.Field("flags", Flags(s));
            w.EndObject();
        }
        w.EndArray();
        w.Name("programs");
        w.StartArray();
        foreach (var p in spec.Programs.Values)
        {
            w.StartObject();
            w.Field("name", p.Name);
            w.Field("section", p.SectionName);
            w.Field("type", UapiNames.NameOf(p.Type) ?? p.Type.ToString());
            if (p.AttachType is { } at)
                w.Field("attach_type", UapiNames.NameOf(at) ?? at.ToString());
            if (p.AttachTarget is { } target)
                w.Field("attach_target", target);
            w.Field("sleepable", p.Sleepable);
            w.Field("insns", (ulong)p.Instructions.Length);
            w.Field("own_insns", (ulong)p.OwnLength);
            w.Name("subprograms");
            w.StartArray();
            foreach (var (name, start) in p.SubPrograms)
            {
                w.StartObject();
                w.Field("name", name);
                w.Field("start", (ulong)start);
                w.EndObject();
            }
            w.EndArray();
            w.Name("references");
            w.StartArray();
            foreach (var r in p.References)
            {
                w.StartObject();
                w.Field("insn", (ulong)r.Instruction);
                w.Field("kind", KindName(r.Kind));
                w.Field("symbol", r.Symbol);
                if (r.Section is not null)
                    w.Field("section", r.Section);
                if (r.Kind == ReferenceKind.Data)
                    w.Field("offset", r.Offset);
                w.EndObject();
            }
            w.EndArray();
            w.Field("core_relocations", (ulong)p.CoreRelocations.Count);
            w.EndObject();
        }
        w.EndArray();
        w.Name("maps");
        w.StartArray();
        foreach (var m in spec.Maps.Values)
            MapJson(w, spec.Btf, m);
        w.EndArray();
        w.Name("externs");
        w.StartArray();
        foreach (var e in spec.Externs)
        {
            w.StartObject();
            w.Field("name", e.Name);
            w.Field("kind", e.Kind is { } k ? KindName(k) : "unresolved");
            w.Field("weak", e.Weak);
            w.EndObject();
        }
        w.EndArray();
        if (spec.Btf is { } btf)
            w.Field("btf_types", (ulong)(btf.TypeCount - 1));
        w.EndObject();
        w.Finish();
    }

    private static void MapJson(JsonWriter w, BtfSpec? btf, MapSpec m)
    {
        w.StartObject();
        w.Field("name", m.Name);
        w.Field("type", UapiNames.NameOf(m.Type) ?? ((int)m.Type).ToString(CultureInfo.InvariantCulture));
        w.Field("key_size", m.KeySize);
        w.Field("value_size", m.ValueSize);
        w.Field("max_entries", m.MaxEntries);
        w.Field("flags", m.Flags);
        if (btf is not null && !m.KeyType.IsVoid)
            w.Field("key_type", BtfTypeNames.Describe(btf, m.KeyType));
        if (btf is not null && !m.ValueType.IsVoid)
            w.Field("value_type", BtfTypeNames.Describe(btf, m.ValueType));
        w.Field("pinning", m.Pinning == PinType.ByName ? "by_name" : "none");
        w.Field("origin", m.Origin.ToString().ToLowerInvariant());
        w.Field("section", m.SectionName);
        if (m.InnerMap is { } inner)
        {
            w.Name("inner_map");
            MapJson(w, btf, inner);
        }
        w.EndObject();
    }
}
