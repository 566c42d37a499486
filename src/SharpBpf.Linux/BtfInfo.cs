using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>What the kernel says about a BTF object (BPF_OBJ_GET_INFO_BY_FD, struct bpf_btf_info).</summary>
public sealed class BtfInfo
{
    internal BtfInfo(in BpfBtfInfo raw, string name)
    {
        Raw = raw;
        Name = name;
    }

    /// <summary>The kernel's struct (its pointers are not meaningful after the call).</summary>
    public BpfBtfInfo Raw { get; }

    /// <summary>The BTF's id.</summary>
    public uint Id => Raw.Id;

    /// <summary>The name: "vmlinux", a module's name, or "" for BTF loaded by a program.</summary>
    public string Name { get; }

    /// <summary>The size of the raw BTF in bytes.</summary>
    public int Size => (int)Raw.BtfSize;

    /// <summary>Whether this is the kernel's or a module's BTF.</summary>
    public bool IsKernel => Raw.KernelBtf != 0;
}
