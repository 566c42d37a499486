using System.Buffers.Binary;
using System.Text;

namespace SharpBpf.ObjectFile.Elf;

/// <summary>
/// Writes a relocatable ELF64 little-endian EM_BPF object: sections, a symbol table (locals
/// first, as the ELF spec requires) and REL relocations. Layout as clang writes BPF objects:
/// header, section contents (aligned), section headers; one string table for names and symbols.
/// </summary>
public sealed class ElfBuilder
{
    /// <summary>A section to write.</summary>
    public sealed class Section
    {
        internal Section(int index, string name, uint type, ulong flags, byte[] data, ulong alignment, ulong size)
        {
            Index = index;
            Name = name;
            Type = type;
            Flags = flags;
            Data = data;
            Alignment = alignment;
            Size = size;
        }

        /// <summary>Index in the section table.</summary>
        public int Index { get; }
        /// <summary>Name.</summary>
        public string Name { get; }
        /// <summary>sh_type.</summary>
        public uint Type { get; }
        /// <summary>sh_flags.</summary>
        public ulong Flags { get; }
        /// <summary>Contents (empty for NOBITS).</summary>
        public byte[] Data { get; }
        /// <summary>sh_addralign.</summary>
        public ulong Alignment { get; }
        /// <summary>sh_size.</summary>
        public ulong Size { get; }
        /// <summary>REL entries against this section.</summary>
        public List<(ulong Offset, int Symbol, uint Type)> Relocations { get; } = [];
    }

    private sealed record Symbol(string Name, byte Info, int Section, ulong Value, ulong Size, byte Other);

    private readonly List<Section> _sections = [];
    private readonly List<Symbol> _symbols = [new Symbol("", 0, 0, 0, 0, 0)];
    private readonly Dictionary<int, int> _sectionSymbols = [];

    /// <summary>Adds a section with contents.</summary>
    public Section AddSection(string name, uint type, ulong flags, byte[] data, ulong alignment = 8)
    {
        var s = new Section(_sections.Count + 1, name, type, flags, data, alignment, (ulong)data.Length);
        _sections.Add(s);
        return s;
    }

    /// <summary>Adds a NOBITS section (.bss) of a size.</summary>
    public Section AddNoBits(string name, ulong flags, ulong size, ulong alignment = 8)
    {
        var s = new Section(_sections.Count + 1, name, ElfSection.TypeNoBits, flags, [], alignment, size);
        _sections.Add(s);
        return s;
    }

    /// <summary>Adds a symbol; returns its index (after <see cref="Build"/> reorders locals first, indices are remapped).</summary>
    public int AddSymbol(string name, int binding, int type, Section? section, ulong value, ulong size, int visibility = 0)
    {
        _symbols.Add(new Symbol(name, (byte)((binding << 4) | type), section?.Index ?? 0, value, size, (byte)visibility));
        return _symbols.Count - 1;
    }

    /// <summary>The STT_SECTION symbol of a section (created once).</summary>
    public int SectionSymbol(Section section)
    {
        if (!_sectionSymbols.TryGetValue(section.Index, out int sym))
        {
            sym = AddSymbol("", 0, ElfSymbol.TypeSection, section, 0, 0);
            _sectionSymbols[section.Index] = sym;
        }
        return sym;
    }

    /// <summary>Writes the object.</summary>
    public byte[] Build()
    {
        // Locals first: the ELF spec requires it and sh_info of .symtab is the first global.
        var order = Enumerable.Range(1, _symbols.Count - 1).OrderBy(i => _symbols[i].Info >> 4 == 0 ? 0 : 1).ThenBy(i => i).ToList();
        var newIndex = new int[_symbols.Count];
        for (int i = 0; i < order.Count; i++)
            newIndex[order[i]] = i + 1;
        int firstGlobal = 1 + order.Count(i => _symbols[i].Info >> 4 == 0);

        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var strOffsets = new Dictionary<string, uint> { [""] = 0 };
        uint Str(string s)
        {
            if (strOffsets.TryGetValue(s, out uint off))
                return off;
            off = (uint)strtab.Length;
            strtab.Write(Encoding.UTF8.GetBytes(s));
            strtab.WriteByte(0);
            strOffsets[s] = off;
            return off;
        }

        // Final section list: null, user sections, their .rel sections, .symtab, .strtab.
        var all = new List<(string Name, uint Type, ulong Flags, byte[] Data, ulong Size, ulong Align, uint Link, uint Info, ulong EntSize)>();
        foreach (var s in _sections)
            all.Add((s.Name, s.Type, s.Flags, s.Data, s.Size, s.Alignment, 0, 0, 0));
        int symtabIndex = _sections.Count + _sections.Count(s => s.Relocations.Count > 0) + 1;
        int strtabIndex = symtabIndex + 1;
        foreach (var s in _sections.Where(s => s.Relocations.Count > 0))
        {
            var rel = new byte[s.Relocations.Count * 16];
            for (int i = 0; i < s.Relocations.Count; i++)
            {
                var (off, sym, type) = s.Relocations[i];
                BinaryPrimitives.WriteUInt64LittleEndian(rel.AsSpan(i * 16), off);
                BinaryPrimitives.WriteUInt64LittleEndian(rel.AsSpan(i * 16 + 8), ((ulong)(uint)newIndex[sym] << 32) | type);
            }
            all.Add((".rel" + s.Name, ElfSection.TypeRel, 0x40 /* SHF_INFO_LINK */, rel, (ulong)rel.Length, 8, (uint)symtabIndex, (uint)s.Index, 16));
        }
        var symtab = new byte[_symbols.Count * 24];
        for (int i = 1; i < _symbols.Count; i++)
        {
            var y = _symbols[i];
            int at = newIndex[i] * 24;
            BinaryPrimitives.WriteUInt32LittleEndian(symtab.AsSpan(at), Str(y.Name));
            symtab[at + 4] = y.Info;
            symtab[at + 5] = y.Other;
            BinaryPrimitives.WriteUInt16LittleEndian(symtab.AsSpan(at + 6), (ushort)y.Section);
            BinaryPrimitives.WriteUInt64LittleEndian(symtab.AsSpan(at + 8), y.Value);
            BinaryPrimitives.WriteUInt64LittleEndian(symtab.AsSpan(at + 16), y.Size);
        }
        all.Add((".symtab", ElfSection.TypeSymTab, 0, symtab, (ulong)symtab.Length, 8, (uint)strtabIndex, (uint)firstGlobal, 24));
        var nameOffsets = all.Select(s => Str(s.Name)).ToList();
        uint strtabName = Str(".strtab");
        var strBytes = strtab.ToArray();
        all.Add((".strtab", ElfSection.TypeStrTab, 0, strBytes, (ulong)strBytes.Length, 1, 0, 0, 0));
        nameOffsets.Add(strtabName);

        var file = new MemoryStream();
        file.Write(new byte[64]);
        var offsets = new ulong[all.Count];
        for (int i = 0; i < all.Count; i++)
        {
            var s = all[i];
            ulong align = Math.Max(1, s.Align);
            while ((ulong)file.Length % align != 0)
                file.WriteByte(0);
            offsets[i] = (ulong)file.Length;
            if (s.Type != ElfSection.TypeNoBits)
                file.Write(s.Data);
        }
        while (file.Length % 8 != 0)
            file.WriteByte(0);
        ulong shoff = (ulong)file.Length;
        file.Write(new byte[64]); // SHT_NULL
        for (int i = 0; i < all.Count; i++)
        {
            var s = all[i];
            var h = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(h, nameOffsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), s.Type);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), s.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(24), offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(32), s.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), s.Link);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(44), s.Info);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(48), s.Align);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(56), s.EntSize);
            file.Write(h);
        }
        var bytes = file.ToArray();
        // ELF header.
        bytes[0] = 0x7f; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F';
        bytes[4] = 2; bytes[5] = 1; bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 1); // ET_REL
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), ElfFile.MachineBpf);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(60), (ushort)(all.Count + 1));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(62), (ushort)(all.Count)); // .strtab is last
        return bytes;
    }
}
