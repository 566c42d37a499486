namespace SharpBpf.ObjectFile.Elf;

/// <summary>An ELF symbol.</summary>
/// <param name="Index">Index in .symtab.</param>
/// <param name="Name">Name from the string table.</param>
/// <param name="Info">st_info (binding in the high nibble, type in the low).</param>
/// <param name="Other">st_other (visibility).</param>
/// <param name="SectionIndex">st_shndx.</param>
/// <param name="Value">st_value (offset in its section for objects).</param>
/// <param name="Size">st_size.</param>
public sealed record ElfSymbol(int Index, string Name, byte Info, byte Other, ushort SectionIndex, ulong Value, ulong Size)
{
    /// <summary>STB_LOCAL, STB_GLOBAL (1), STB_WEAK (2).</summary>
    public int Binding => Info >> 4;

    /// <summary>STT_NOTYPE 0, OBJECT 1, FUNC 2, SECTION 3, FILE 4.</summary>
    public int SymbolType => Info & 0xf;

    /// <summary>SHN_UNDEF: an extern.</summary>
    public bool IsUndefined => SectionIndex == 0;

    /// <summary>STV_HIDDEN etc. (st_other &amp; 3).</summary>
    public int Visibility => Other & 3;

    /// <summary>STT_FUNC.</summary>
    public const int TypeFunc = 2;
    /// <summary>STT_OBJECT.</summary>
    public const int TypeObject = 1;
    /// <summary>STT_SECTION.</summary>
    public const int TypeSection = 3;
    /// <summary>STB_GLOBAL.</summary>
    public const int BindGlobal = 1;
    /// <summary>STB_WEAK.</summary>
    public const int BindWeak = 2;
}

/// <summary>An ELF REL relocation (BPF objects use REL, no addend).</summary>
/// <param name="Offset">r_offset: byte offset in the target section.</param>
/// <param name="SymbolIndex">The symbol it refers to.</param>
/// <param name="Type">R_BPF_* type.</param>
/// <param name="Addend">r_addend for RELA sections, else 0.</param>
public readonly record struct ElfRelocation(ulong Offset, int SymbolIndex, uint Type, long Addend = 0)
{
    /// <summary>R_BPF_64_64: lddw of an address (maps, global data).</summary>
    public const uint BpfR64_64 = 1;
    /// <summary>R_BPF_64_ABS64: 64-bit data.</summary>
    public const uint BpfRAbs64 = 2;
    /// <summary>R_BPF_64_ABS32: 32-bit data (.BTF, .BTF.ext, DWARF).</summary>
    public const uint BpfRAbs32 = 3;
    /// <summary>R_BPF_64_NODYLD32: 32-bit data not resolved by the dynamic loader (.BTF.ext).</summary>
    public const uint BpfRNoDyld32 = 4;
    /// <summary>R_BPF_64_32: call targets (pc-relative in instructions).</summary>
    public const uint BpfR64_32 = 10;

    /// <summary>The relocation type's name as llvm-readelf prints it.</summary>
    public static string TypeName(uint type) => type switch
    {
        0 => "R_BPF_NONE",
        BpfR64_64 => "R_BPF_64_64",
        BpfRAbs64 => "R_BPF_64_ABS64",
        BpfRAbs32 => "R_BPF_64_ABS32",
        BpfRNoDyld32 => "R_BPF_64_NODYLD32",
        BpfR64_32 => "R_BPF_64_32",
        _ => $"unknown ({type})",
    };
}
