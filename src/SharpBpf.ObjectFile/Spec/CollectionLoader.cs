using System.Buffers.Binary;
using System.Text;
using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.ObjectFile.Spec;

/// <summary>
/// Reads a BPF ELF object (clang -target bpf) into a <see cref="CollectionSpec"/>, following
/// libbpf's conventions (bpf_object__open): programs by SEC() name, sub-programs in .text linked
/// after each program that calls them, BTF-defined and legacy maps, global data sections as maps,
/// and every relocation classified. Bad input gives a diagnostic with the file offset.
/// </summary>
public static partial class CollectionLoader
{
    /// <summary>Reads an object file; throws <see cref="BpfFormatException"/> on bad input.</summary>
    public static CollectionSpec Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses an object; throws <see cref="BpfFormatException"/> on bad input.</summary>
    public static CollectionSpec Parse(byte[] data, string? path = null) =>
        TryParse(data, path, out var spec, out var diagnostic) ? spec! : throw new BpfFormatException(diagnostic!);

    /// <summary>Parses an object; on failure the diagnostic names the place.</summary>
    public static bool TryParse(byte[] data, string? path, out CollectionSpec? spec, out Diagnostic? diagnostic)
    {
        spec = null;
        if (!ElfFile.TryParse(data, path, out var elf, out diagnostic))
            return false;
        try
        {
            spec = new Reader(elf!, path).Read();
            return true;
        }
        catch (BpfFormatException e)
        {
            diagnostic = e.Diagnostic;
            return false;
        }
    }

    /// <summary>Whether a section holds global data that becomes a map (libbpf's data section names).</summary>
    public static bool IsDataSection(string name) =>
        name is ".data" or ".rodata" or ".bss" || name.StartsWith(".data.", StringComparison.Ordinal) ||
        name.StartsWith(".rodata.", StringComparison.Ordinal) || name.StartsWith(".bss.", StringComparison.Ordinal);

    private sealed class ExecSection
    {
        public required ElfSection Section { get; init; }
        public required Instruction[] Code { get; init; }
        public required List<ElfSymbol> Functions { get; init; }
        public List<ElfRelocation> Relocations { get; } = [];
    }

    private sealed partial class Reader(ElfFile elf, string? path)
    {
        private BtfSpec? _btf;
        private BtfExt? _ext;
        private readonly Dictionary<int, ExecSection> _exec = [];
        private readonly Dictionary<string, ExternSpec> _externs = new(StringComparer.Ordinal);
        private HashSet<string> _kconfigVars = [];
        private HashSet<string> _ksymVars = [];

        private BpfFormatException Bad(string id, string message, long offset) =>
            new(new Diagnostic(id, message, SourceLocation.AtOffset(offset, path)));

        public CollectionSpec Read()
        {
            if (elf.Machine != ElfFile.MachineBpf)
                throw Bad(ObjectDiagnosticIds.ElfMachine, $"not a BPF object: e_machine is {elf.Machine}, expected {ElfFile.MachineBpf} (EM_BPF)", 18);
            if (elf.ObjectType != 1)
                throw Bad(ObjectDiagnosticIds.ElfHeader, $"not a relocatable object: e_type is {elf.ObjectType}", 16);

            ReadBtf();
            string license = "";
            uint? version = null;
            if (elf.FindSection("license") is { } lic)
            {
                var bytes = elf.GetData(lic);
                int nul = bytes.IndexOf((byte)0);
                license = Encoding.UTF8.GetString(nul < 0 ? bytes : bytes[..nul]);
            }
            if (elf.FindSection("version") is { } ver)
            {
                if (ver.Size != 4)
                    throw Bad(ObjectDiagnosticIds.ObjectSpec, $"section 'version' is {ver.Size} bytes, expected 4", (long)ver.Offset);
                version = BinaryPrimitives.ReadUInt32LittleEndian(elf.GetData(ver));
            }

            CollectExecutableSections();
            CollectRelocations();
            CollectExterns();
            var maps = ReadMaps();
            var programs = BuildPrograms(license);
            var subs = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            foreach (var s in _exec.Values.Where(s => s.Section.Name == ".text"))
            {
                foreach (var f in s.Functions)
                    subs[f.Name] = ((long)f.Value, (long)FunctionSize(s, f));
            }
            return new CollectionSpec
            {
                Path = path, Programs = programs, Maps = maps, Btf = _btf, BtfExt = _ext, License = license, KernelVersion = version,
                Externs = [.. _externs.Values], SubPrograms = subs,
            };
        }

        private void ReadBtf()
        {
            if (elf.FindSection(".BTF") is not { } btfSection)
                return;
            if (!BtfSpec.TryParse(elf.GetDataCopy(btfSection), null, out _btf, out var d, path, (long)btfSection.Offset))
                throw new BpfFormatException(d!);
            if (elf.FindSection(".BTF.ext") is { } extSection)
            {
                if (!BtfExt.TryParse(elf.GetDataCopy(extSection), _btf!, out _ext, out var e, path, (long)extSection.Offset))
                    throw new BpfFormatException(e!);
            }
            _btf = FixupDatasecs(_btf!);
            // Which externs are kconfig values and which kernel symbols: their DATASEC says.
            _kconfigVars = DatasecNames(".kconfig");
            _ksymVars = DatasecNames(".ksyms");
        }

        /// <summary>
        /// clang leaves DATASEC sizes and variable offsets 0; libbpf (btf_fixup_datasec) fills them
        /// from the ELF section sizes and symbol values, and lays out .kconfig itself. So do we.
        /// </summary>
        private BtfSpec FixupDatasecs(BtfSpec btf)
        {
            return btf.Patched(bytes =>
            {
                for (uint id = 1; id < (uint)btf.TypeCount; id++)
                {
                    var t = btf.GetType(id);
                    if (t.Kind != BtfKind.Datasec)
                        continue;
                    int rec = btf.RecordOffset(id);
                    string name = t.Name;
                    if (name is ".kconfig" or ".ksyms")
                    {
                        uint at = 0;
                        for (int i = 0; i < t.Vlen; i++)
                        {
                            var v = t.VarSecInfo(i);
                            uint size = v.Size == 0 ? 0 : v.Size;
                            uint align = size >= 8 ? 8u : size >= 4 ? 4u : size >= 2 ? 2u : 1u;
                            at = (at + align - 1) / align * align;
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(rec + 12 + i * 12 + 4), name == ".ksyms" ? 0 : at);
                            at += name == ".ksyms" ? 0 : size;
                        }
                        if (name == ".kconfig")
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(rec + 8), (at + 7) / 8 * 8);
                        continue;
                    }
                    if (elf.FindSection(name) is not { } section)
                        continue;
                    if (t.Size == 0)
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(rec + 8), (uint)section.Size);
                    for (int i = 0; i < t.Vlen; i++)
                    {
                        var v = t.VarSecInfo(i);
                        var vt = btf.GetType(v.Type);
                        var sym = elf.Symbols.FirstOrDefault(y => y.SectionIndex == section.Index && y.Name == vt.Name && y.SymbolType != ElfSymbol.TypeSection);
                        if (sym is not null)
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(rec + 12 + i * 12 + 4), (uint)sym.Value);
                    }
                }
            });
        }

        private HashSet<string> DatasecNames(string section)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            if (_btf is null)
                return names;
            var id = _btf.FindByName(section, BtfKind.Datasec);
            if (id.IsVoid)
                return names;
            var ds = _btf.GetType(id);
            for (int i = 0; i < ds.Vlen; i++)
                names.Add(_btf.GetType(ds.VarSecInfo(i).Type).Name);
            return names;
        }

        private void CollectExecutableSections()
        {
            foreach (var s in elf.Sections)
            {
                if (!s.IsExecutable || s.Size == 0)
                    continue;
                if (s.Size % 8 != 0)
                    throw Bad(ObjectDiagnosticIds.ObjectSpec, $"section '{s.Name}' size {s.Size} is not a multiple of 8 (instructions)", (long)s.Offset);
                var code = new Instruction[s.Size / 8];
                var bytes = elf.GetData(s);
                for (int i = 0; i < code.Length; i++)
                    code[i] = Instruction.Read(bytes.Slice(i * 8, 8));
                var funcs = elf.Symbols.Where(y => y.SectionIndex == s.Index && y.SymbolType == ElfSymbol.TypeFunc)
                    .OrderBy(y => y.Value).ToList();
                foreach (var f in funcs)
                {
                    if (f.Value % 8 != 0 || f.Value >= s.Size)
                        throw Bad(ObjectDiagnosticIds.ElfSymbol, $"function '{f.Name}' at 0x{f.Value:x} is not an instruction of '{s.Name}'", (long)s.Offset);
                }
                _exec[s.Index] = new ExecSection { Section = s, Code = code, Functions = funcs };
            }
        }

        private void CollectRelocations()
        {
            foreach (var r in elf.Sections)
            {
                if (r.Type is not (ElfSection.TypeRel or ElfSection.TypeRela) || !_exec.TryGetValue((int)r.Info, out var target))
                    continue;
                if (!elf.TryGetRelocations(r, out var relocs, out var d))
                    throw new BpfFormatException(d!);
                foreach (var rel in relocs)
                {
                    if (rel.Offset % 8 != 0 || rel.Offset >= target.Section.Size)
                        throw Bad(ObjectDiagnosticIds.ElfRelocation,
                            $"relocation in '{r.Name}' at 0x{rel.Offset:x} does not point at an instruction of '{target.Section.Name}'", (long)r.Offset);
                }
                target.Relocations.AddRange(relocs);
            }
        }

        private void CollectExterns()
        {
            foreach (var s in elf.Symbols)
            {
                if (!s.IsUndefined || s.Name.Length == 0 || s.Binding == 0)
                    continue;
                ReferenceKind? kind = _kconfigVars.Contains(s.Name) ? ReferenceKind.Kconfig
                    : _ksymVars.Contains(s.Name) ? (s.SymbolType == ElfSymbol.TypeFunc || IsBtfFunc(s.Name) ? ReferenceKind.Kfunc : ReferenceKind.Ksym)
                    : null;
                _externs[s.Name] = new ExternSpec(s.Name, kind, s.Binding == ElfSymbol.BindWeak);
            }
        }

        private bool IsBtfFunc(string name) => _btf is not null && !_btf.FindByName(name, BtfKind.Func).IsVoid;

        private static ulong FunctionSize(ExecSection s, ElfSymbol f)
        {
            if (f.Size != 0)
                return f.Size;
            var next = s.Functions.FirstOrDefault(g => g.Value > f.Value);
            return (next?.Value ?? s.Section.Size) - f.Value;
        }
    }
}
