namespace SharpBpf.ObjectFile;

/// <summary>Stable diagnostic ids of the object-file readers. Never renumber.</summary>
public static class ObjectDiagnosticIds
{
    /// <summary>The BTF header is missing, truncated or inconsistent.</summary>
    public const string BtfHeader = "BTF0001";
    /// <summary>A BTF type record runs past the type section.</summary>
    public const string BtfTruncatedType = "BTF0002";
    /// <summary>A BTF kind this reader does not know.</summary>
    public const string BtfUnknownKind = "BTF0003";
    /// <summary>A name offset outside the string section, or a string without its NUL.</summary>
    public const string BtfBadString = "BTF0004";
    /// <summary>A reference to a type id that does not exist.</summary>
    public const string BtfBadTypeId = "BTF0005";
    /// <summary>Malformed .BTF.ext.</summary>
    public const string BtfExt = "BTF0006";

    /// <summary>Not an ELF file, or a truncated/inconsistent ELF header.</summary>
    public const string ElfHeader = "ELF0001";
    /// <summary>A section header or section body outside the file.</summary>
    public const string ElfSection = "ELF0002";
    /// <summary>A bad symbol table or string table.</summary>
    public const string ElfSymbol = "ELF0003";
    /// <summary>A bad relocation.</summary>
    public const string ElfRelocation = "ELF0004";
    /// <summary>An ELF object for another machine or class.</summary>
    public const string ElfMachine = "ELF0005";

    /// <summary>Something in a BPF object that cannot be turned into a program or map spec.</summary>
    public const string ObjectSpec = "OBJ0001";
    /// <summary>A CO-RE relocation that cannot be resolved.</summary>
    public const string CoreRelocation = "CORE0001";
}
