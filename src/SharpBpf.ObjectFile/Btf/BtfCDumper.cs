using System.Runtime.CompilerServices;
using SharpBpf.ObjectFile.Btf.CDump;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>
/// <c>bpftool btf dump ... format c</c>, byte for byte as bpftool 7.1 prints it: the types as a
/// compilable C header (libbpf's btf_dump, ported in CDump/CTypeDumper) inside bpftool's
/// vmlinux.h wrapper (tools/bpf/bpftool/btf.c, dump_btf_c).
/// </summary>
public static class BtfCDumper
{
    /// <summary>
    /// Dumps every type as C, in id order (each one after whatever it depends on). A split BTF
    /// dumps its base types too, as bpftool does. Throws <see cref="Core.Diagnostics.BpfFormatException"/>
    /// for BTF that C cannot express (a type cycle no forward declaration breaks, such as an
    /// anonymous struct holding a pointer to its own typedef); what was written before that type
    /// stays written, and bpftool's closing lines are left out, as bpftool leaves them out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dump(BtfSpec btf, Utf8Output output)
    {
        ArgumentNullException.ThrowIfNull(btf);
        ArgumentNullException.ThrowIfNull(output);
        output.Append(
            "#ifndef __VMLINUX_H__\n"u8 +
            "#define __VMLINUX_H__\n"u8 +
            "\n"u8 +
            "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"u8 +
            "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"u8 +
            "#endif\n"u8 +
            "\n"u8);
        var dumper = new CTypeDumper(btf, output);
        try
        {
            for (uint id = 1; id < (uint)btf.TypeCount; id++)
                dumper.DumpType(id);
        }
        finally
        {
            dumper.Flush();
        }
        output.Append(
            "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"u8 +
            "#pragma clang attribute pop\n"u8 +
            "#endif\n"u8 +
            "\n"u8 +
            "#endif /* __VMLINUX_H__ */\n"u8);
    }
}
