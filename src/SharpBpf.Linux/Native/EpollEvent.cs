using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Native;

/// <summary>
/// struct epoll_event, which is packed on x86-64 (12 bytes: events at 0, data at 4) and naturally
/// aligned elsewhere (16 bytes: data at 8) — include/uapi/linux/eventpoll.h, EPOLL_PACKED. Read and
/// written through byte buffers of <see cref="Size"/> bytes per event.
/// </summary>
internal readonly record struct EpollEvent(uint Events, ulong Data)
{
    /// <summary>sizeof(struct epoll_event) on this architecture.</summary>
    public static int Size { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset => Size == 12 ? 4 : 8;

    /// <summary>Writes the event at the start of <paramref name="buffer"/>.</summary>
    public void Write(Span<byte> buffer)
    {
        buffer[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, Events);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[DataOffset..], Data);
    }

    /// <summary>Reads event <paramref name="index"/> of an array of events.</summary>
    public static EpollEvent Read(ReadOnlySpan<byte> buffer, int index)
    {
        var e = buffer.Slice(index * Size, Size);
        return new EpollEvent(BinaryPrimitives.ReadUInt32LittleEndian(e), BinaryPrimitives.ReadUInt64LittleEndian(e[DataOffset..]));
    }
}
