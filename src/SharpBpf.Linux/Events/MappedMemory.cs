using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Events;

/// <summary>
/// A shared mapping of a kernel object's memory (mmap of a ring buffer map or a perf event),
/// unmapped when released. Readers hold a reference (DangerousAddRef) while they read, so a
/// concurrent Dispose defers the munmap until the last read is done instead of pulling the pages
/// out from under it.
/// </summary>
internal sealed class MappedMemory : SafeHandle
{
    private MappedMemory(nint address, nuint length)
        : base(0, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    /// <summary>The mapping's length in bytes.</summary>
    public nuint Length { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0 || handle == Libc.MapFailed;

    /// <summary>
    /// mmap(NULL, <paramref name="length"/>, PROT_READ[|PROT_WRITE], MAP_SHARED, fd, <paramref name="offset"/>);
    /// throws naming <paramref name="what"/> when the kernel refuses.
    /// </summary>
    public static MappedMemory Map(BpfFileDescriptor fd, long offset, nuint length, bool writable, string what)
    {
        using var lease = fd.Acquire();
        int protection = writable ? Libc.ProtRead | Libc.ProtWrite : Libc.ProtRead;
        nint address = Libc.Mmap(0, length, protection, Libc.MapShared, lease.Value, offset);
        if (address == Libc.MapFailed)
            throw new BpfException("mmap " + what, (Errno)Marshal.GetLastPInvokeError());
        return new MappedMemory(address, length);
    }

    /// <summary>The mapping's start; valid only while a reference is held.</summary>
    public nint Address => handle;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Libc.Munmap(handle, Length) == 0;
}
