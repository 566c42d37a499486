using System.Buffers.Binary;

namespace SharpBpf.Linux.Features;

/// <summary>
/// Raw BTF for probes, in the kernel's encoding (include/uapi/linux/btf.h): a header, the type
/// records as 32-bit words, then the strings. libbpf writes its probe BTF the same way
/// (BTF_TYPE_ENC and friends in libbpf_internal.h).
/// </summary>
internal static class BtfBlob
{
    // BTF kinds.
    public const int KindInt = 1, KindPtr = 2, KindStruct = 4, KindFuncProto = 13, KindFunc = 12, KindVar = 14,
        KindDatasec = 15, KindFloat = 16, KindDeclTag = 17, KindTypeTag = 18, KindEnum64 = 19;

    /// <summary>BTF_INFO_ENC(kind, kind_flag 0, vlen).</summary>
    public static uint Info(int kind, int vlen = 0) => ((uint)kind << 24) | (uint)vlen;

    /// <summary>A type record's three words: name offset, info, size or type.</summary>
    public static uint[] Type(uint name, uint info, uint sizeOrType) => [name, info, sizeOrType];

    /// <summary>A member: name offset, type, bit offset.</summary>
    public static uint[] Member(uint name, uint type, uint bitOffset) => [name, type, bitOffset];

    /// <summary>A signed 32-bit int named at <paramref name="name"/>: BTF_TYPE_INT_ENC(name, BTF_INT_SIGNED, 0, 32, 4).</summary>
    public static uint[] Int(uint name) => [name, Info(KindInt), 4, (1u << 24) | 32];

    /// <summary>The blob: header (magic 0xeB9F, version 1, 24 bytes), types, strings.</summary>
    public static byte[] Build(uint[] types, ReadOnlySpan<byte> strings)
    {
        int typeLength = types.Length * 4;
        var blob = new byte[24 + typeLength + strings.Length];
        var span = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0xeB9F);
        span[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 24);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)strings.Length);
        for (int i = 0; i < types.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(span[(24 + i * 4)..], types[i]);
        strings.CopyTo(span[(24 + typeLength)..]);
        return blob;
    }
}
