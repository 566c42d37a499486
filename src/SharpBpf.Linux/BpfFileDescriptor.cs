using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// A file descriptor of a kernel object (map, program, link, BTF, perf event), closed when released.
/// bpf(2) opens its fds with O_CLOEXEC. Code that passes the number to the kernel holds a
/// <see cref="Lease"/> meanwhile, so a concurrent Dispose cannot close (and the kernel reuse) the
/// number under it; using a closed descriptor throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class BpfFileDescriptor : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/> (or borrows it when <paramref name="ownsHandle"/> is false).</summary>
    public BpfFileDescriptor(int fd, bool ownsHandle = true)
        : base(-1, ownsHandle)
    {
        if (fd < 0)
            throw new ArgumentOutOfRangeException(nameof(fd), fd, "a file descriptor is not negative");
        SetHandle(fd);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor's number; throws <see cref="ObjectDisposedException"/> once closed. Only valid while this handle is open.</summary>
    public int Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle;
        }
    }

    /// <summary>A new descriptor for the same kernel object (fcntl F_DUPFD_CLOEXEC), owned by the caller.</summary>
    public BpfFileDescriptor Duplicate()
    {
        using var lease = Acquire();
        int fd = Libc.Fcntl(lease.Value, Libc.FDupFdCloexec, 0);
        if (fd < 0)
            throw new BpfException("duplicate fd " + lease.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " +
                BpfException.Describe((Errno)Marshal.GetLastPInvokeError()));
        return new BpfFileDescriptor(fd);
    }

    /// <summary>Keeps the descriptor open until the lease is disposed.</summary>
    internal Lease Acquire()
    {
        bool added = false;
        DangerousAddRef(ref added);
        return new Lease(this, (int)handle);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;

    /// <inheritdoc/>
    public override string ToString() => IsClosed ? "fd (closed)" : "fd " + ((int)handle).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The number of a descriptor kept open for the duration of a call.</summary>
    internal readonly ref struct Lease
    {
        private readonly BpfFileDescriptor _owner;

        internal Lease(BpfFileDescriptor owner, int value)
        {
            _owner = owner;
            Value = value;
        }

        /// <summary>The descriptor's number.</summary>
        public int Value { get; }

        /// <summary>The number as the kernel's __u32 fd fields take it.</summary>
        public uint Fd => (uint)Value;

        /// <summary>Lets the descriptor close again (nothing for a default lease).</summary>
        public void Dispose() => _owner?.DangerousRelease();
    }
}
