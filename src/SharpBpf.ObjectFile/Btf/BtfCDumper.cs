using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Btf;

/// <summary><c>bpftool btf dump ... format c</c>: the types as a C header, as libbpf's btf_dump does.</summary>
public static class BtfCDumper
{
    /// <summary>Dumps every type as C.</summary>
    public static void Dump(BtfSpec btf, Utf8Output output)
    {
        ArgumentNullException.ThrowIfNull(btf);
        ArgumentNullException.ThrowIfNull(output);
        throw new NotSupportedException("format c is being written");
    }
}
