using System.Buffers.Binary;
using System.Text;

namespace SharpBpf.Linux.Netlink;

/// <summary>
/// Builds one netlink request: struct nlmsghdr, a fixed family header, then attributes (struct
/// nlattr, 4-byte aligned), nested ones closed by <see cref="EndNested"/>, as libbpf's nlattr.c does.
/// </summary>
internal sealed class NetlinkMessage
{
    // include/uapi/linux/netlink.h.
    public const ushort FlagRequest = 0x1;
    public const ushort FlagAck = 0x4;
    public const ushort FlagEcho = 0x8;
    public const ushort FlagDump = 0x300;
    public const ushort FlagExcl = 0x200;
    public const ushort FlagCreate = 0x400;
    public const ushort AttributeNested = 0x8000;
    public const int HeaderSize = 16;

    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>A message of <paramref name="type"/> with <paramref name="flags"/>; the header's length is set by <see cref="ToArray"/>.</summary>
    public NetlinkMessage(ushort type, ushort flags, uint sequence)
    {
        var h = Reserve(HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], sequence);
    }

    /// <summary>Appends the family header (struct tcmsg, ...), padded to 4 bytes.</summary>
    public void Append(ReadOnlySpan<byte> header)
    {
        header.CopyTo(Reserve(Align(header.Length)));
    }

    /// <summary>An attribute with raw data.</summary>
    public void Attribute(ushort type, ReadOnlySpan<byte> data)
    {
        var a = Reserve(Align(4 + data.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + data.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a[2..], type);
        data.CopyTo(a[4..]);
    }

    /// <summary>A u32 attribute.</summary>
    public void Attribute(ushort type, uint value)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        Attribute(type, data);
    }

    /// <summary>A NUL-terminated string attribute.</summary>
    public void Attribute(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        Attribute(type, bytes);
    }

    /// <summary>Opens a nested attribute; returns its offset for <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int at = _length;
        Attribute((ushort)(type | AttributeNested), []);
        return at;
    }

    /// <summary>Closes a nested attribute: its length covers what was appended since.</summary>
    public void EndNested(int at) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(at), (ushort)(_length - at));

    /// <summary>The message with nlmsg_len filled in.</summary>
    public byte[] ToArray()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        return _buffer.AsSpan(0, _length).ToArray();
    }

    /// <summary>NLMSG_ALIGN / NLA_ALIGN.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    private Span<byte> Reserve(int length)
    {
        if (_length + length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + length));
        var span = _buffer.AsSpan(_length, length);
        span.Clear();
        _length += length;
        return span;
    }
}
