using SharpBpf.Core.Diagnostics;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>Loads BTF from a raw BTF file (/sys/kernel/btf/*) or the .BTF section of an ELF object, as bpftool does.</summary>
public static class BtfFileLoader
{
    /// <summary>Loads; throws <see cref="BpfFormatException"/> with the place of the problem.</summary>
    public static BtfSpec Load(string path, BtfSpec? baseSpec = null)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length >= 2 && data[0] == 0x9f && data[1] == 0xeb)
            return BtfSpec.Parse(data, baseSpec, path);
        var elf = ElfFile.Parse(data, path);
        var section = elf.FindSection(".BTF") ?? throw new BpfFormatException(new Diagnostic(ObjectDiagnosticIds.ElfSection,
            "no .BTF section (compile with clang -g)", SourceLocation.AtOffset(0, path)));
        return BtfSpec.Parse(elf.GetDataCopy(section), baseSpec, path, (long)section.Offset);
    }
}
