using System.Buffers.Binary;

namespace SharpBpf.Runtime.Hooks;

/// <summary>One captured packet: its bytes (as captured, possibly cut at the snap length), its original length and time.</summary>
/// <param name="Data">The captured bytes.</param>
/// <param name="OriginalLength">The packet's length on the wire.</param>
/// <param name="Timestamp">Capture time, in nanoseconds since the Unix epoch.</param>
/// <param name="Offset">The record's offset in the file.</param>
public sealed record PcapPacket(byte[] Data, int OriginalLength, long Timestamp, long Offset);

/// <summary>A malformed capture file: what is wrong and at which byte offset (and in which file, when read from one).</summary>
public sealed class PcapFormatException(string reason, long offset, string? path = null)
    : Exception($"{(path is null ? "" : path + ": ")}offset {offset} (0x{offset:x}): {reason}")
{
    /// <summary>The offset of the bad bytes.</summary>
    public long Offset { get; } = offset;

    /// <summary>What is wrong.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Reads classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.html): either
/// byte order, microsecond (0xa1b2c3d4) or nanosecond (0xa1b23c4d) timestamps. pcapng is not
/// read (its magic is recognised and named in the error).
/// </summary>
public static class PcapReader
{
    /// <summary>LINKTYPE_ETHERNET.</summary>
    public const uint LinkTypeEthernet = 1;

    private const int HeaderSize = 24;
    private const int RecordHeaderSize = 16;
    private const int MaxPacket = 256 * 1024;

    /// <summary>Reads a file: its link type and packets.</summary>
    public static (uint LinkType, List<PcapPacket> Packets) Read(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (PcapFormatException e)
        {
            throw new PcapFormatException(e.Reason, e.Offset, path);
        }
    }

    /// <summary>Parses capture bytes; throws <see cref="PcapFormatException"/> naming the offset of what is wrong.</summary>
    public static (uint LinkType, List<PcapPacket> Packets) Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize)
            throw new PcapFormatException($"file of {data.Length} bytes is shorter than the 24-byte pcap header", 0);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        bool big, nanos;
        switch (magic)
        {
            case 0xa1b2c3d4: big = false; nanos = false; break;
            case 0xd4c3b2a1: big = true; nanos = false; break;
            case 0xa1b23c4d: big = false; nanos = true; break;
            case 0x4d3cb2a1: big = true; nanos = true; break;
            case 0x0a0d0d0a: throw new PcapFormatException("this is a pcapng file; convert it to pcap (editcap -F pcap IN OUT)", 0);
            default: throw new PcapFormatException($"bad magic 0x{magic:x8}: not a pcap file", 0);
        }
        uint U32(ReadOnlySpan<byte> s) => big ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
        ushort major = big ? BinaryPrimitives.ReadUInt16BigEndian(data[4..]) : BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (major != 2)
            throw new PcapFormatException($"pcap version {major} is not 2", 4);
        uint snap = U32(data[16..]);
        uint linkType = U32(data[20..]) & 0x0FFF_FFFF; // the upper bits carry FCS information
        var packets = new List<PcapPacket>();
        long offset = HeaderSize;
        while (offset < data.Length)
        {
            if (data.Length - offset < RecordHeaderSize)
                throw new PcapFormatException($"truncated record header ({data.Length - offset} of 16 bytes)", offset);
            var header = data.Slice((int)offset, RecordHeaderSize);
            uint seconds = U32(header), fraction = U32(header[4..]), captured = U32(header[8..]), original = U32(header[12..]);
            if (captured > MaxPacket || (snap != 0 && captured > Math.Max(snap, 65535u)))
                throw new PcapFormatException($"record claims {captured} captured bytes (snap length {snap})", offset + 8);
            if (fraction >= (nanos ? 1_000_000_000u : 1_000_000u))
                throw new PcapFormatException($"timestamp fraction {fraction} is out of range", offset + 4);
            long body = offset + RecordHeaderSize;
            if (data.Length - body < captured)
                throw new PcapFormatException($"truncated packet: {captured} bytes captured, {data.Length - body} left in the file", body);
            long ns = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
            packets.Add(new PcapPacket(data.Slice((int)body, (int)captured).ToArray(), (int)Math.Min(original, int.MaxValue), ns, offset));
            offset = body + captured;
        }
        return (linkType, packets);
    }

    /// <summary>Writes packets as a little-endian microsecond pcap file (for fixtures and tests).</summary>
    public static byte[] Write(IEnumerable<byte[]> packets, uint linkType = LinkTypeEthernet, bool bigEndian = false, bool nanoseconds = false)
    {
        ArgumentNullException.ThrowIfNull(packets);
        using var stream = new MemoryStream();
        Span<byte> b = stackalloc byte[HeaderSize];
        void U32(Span<byte> s, uint v)
        {
            if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        }
        void U16(Span<byte> s, ushort v)
        {
            if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(s, v); else BinaryPrimitives.WriteUInt16LittleEndian(s, v);
        }
        U32(b, nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
        U16(b[4..], 2);
        U16(b[6..], 4);
        U32(b[8..], 0);
        U32(b[12..], 0);
        U32(b[16..], 65535);
        U32(b[20..], linkType);
        stream.Write(b);
        uint second = 1_700_000_000;
        Span<byte> r = stackalloc byte[RecordHeaderSize];
        foreach (var p in packets)
        {
            U32(r, second++);
            U32(r[4..], 0);
            U32(r[8..], (uint)p.Length);
            U32(r[12..], (uint)p.Length);
            stream.Write(r);
            stream.Write(p);
        }
        return stream.ToArray();
    }
}
