using SharpBpf.Core.Diagnostics;
using SharpBpf.ObjectFile.Elf;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.ObjectFile.Printing;

/// <summary>An object file as both its ELF structure and its <see cref="CollectionSpec"/>, for printers.</summary>
public sealed class ObjectFileView
{
    private ObjectFileView(string path, ElfFile elf, CollectionSpec spec)
    {
        Path = path;
        Elf = elf;
        Spec = spec;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The ELF structure.</summary>
    public ElfFile Elf { get; }

    /// <summary>What it defines.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>Reads an object; throws <see cref="BpfFormatException"/> naming the place of a problem.</summary>
    public static ObjectFileView Load(string path)
    {
        var data = File.ReadAllBytes(path);
        var elf = ElfFile.Parse(data, path);
        var spec = CollectionLoader.Parse(data, path);
        return new ObjectFileView(path, elf, spec);
    }
}
