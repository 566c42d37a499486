namespace SharpBpf.ObjectFile.Elf;

/// <summary>An ELF section header.</summary>
public sealed record ElfSection
{
    /// <summary>Index in the section header table.</summary>
    public required int Index { get; init; }
    /// <summary>Name from .shstrtab.</summary>
    public required string Name { get; init; }
    /// <summary>sh_type.</summary>
    public required uint Type { get; init; }
    /// <summary>sh_flags.</summary>
    public required ulong Flags { get; init; }
    /// <summary>sh_offset.</summary>
    public required ulong Offset { get; init; }
    /// <summary>sh_size.</summary>
    public required ulong Size { get; init; }
    /// <summary>sh_link.</summary>
    public required uint Link { get; init; }
    /// <summary>sh_info.</summary>
    public required uint Info { get; init; }
    /// <summary>sh_addralign.</summary>
    public required ulong Alignment { get; init; }
    /// <summary>sh_entsize.</summary>
    public required ulong EntrySize { get; init; }

    /// <summary>SHT_PROGBITS.</summary>
    public const uint TypeProgBits = 1;
    /// <summary>SHT_SYMTAB.</summary>
    public const uint TypeSymTab = 2;
    /// <summary>SHT_STRTAB.</summary>
    public const uint TypeStrTab = 3;
    /// <summary>SHT_RELA.</summary>
    public const uint TypeRela = 4;
    /// <summary>SHT_NOBITS (.bss).</summary>
    public const uint TypeNoBits = 8;
    /// <summary>SHT_REL.</summary>
    public const uint TypeRel = 9;
    /// <summary>SHT_LLVM_ADDRSIG.</summary>
    public const uint TypeLlvmAddrsig = 0x6fff4c03;

    /// <summary>SHF_WRITE.</summary>
    public const ulong FlagWrite = 1;
    /// <summary>SHF_ALLOC.</summary>
    public const ulong FlagAlloc = 2;
    /// <summary>SHF_EXECINSTR.</summary>
    public const ulong FlagExec = 4;

    /// <summary>True for executable sections (programs).</summary>
    public bool IsExecutable => (Flags & FlagExec) != 0 && Type == TypeProgBits;

    /// <summary>The readelf name of the type.</summary>
    public string TypeName => Type switch
    {
        0 => "NULL",
        TypeProgBits => "PROGBITS",
        TypeSymTab => "SYMTAB",
        TypeStrTab => "STRTAB",
        TypeRela => "RELA",
        TypeNoBits => "NOBITS",
        TypeRel => "REL",
        TypeLlvmAddrsig => "LLVM_ADDRSIG",
        _ => $"0x{Type:x}",
    };
}
