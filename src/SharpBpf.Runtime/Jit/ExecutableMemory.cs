using System.Runtime.InteropServices;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// Machine code in its own anonymous mapping, W^X: mapped read-write, filled, then switched to
/// read-execute before anything can call it; unmapped when released.
/// </summary>
internal sealed class ExecutableMemory : SafeHandle
{
    private readonly nuint _length;

    private ExecutableMemory(nint address, nuint length) : base(0, ownsHandle: true)
    {
        SetHandle(address);
        _length = length;
    }

    /// <summary>The mapping's size in bytes (whole pages).</summary>
    public long Length => (long)_length;

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Maps <paramref name="code"/> as executable; throws <see cref="JitUnavailableException"/>
    /// when the process may not create executable memory (seccomp, SELinux execmem, PaX MPROTECT).
    /// </summary>
    public static ExecutableMemory Create(ReadOnlySpan<byte> code, bool denyForTesting = false)
    {
        if (!OperatingSystem.IsLinux())
            throw new JitUnavailableException("executable memory is only implemented for Linux");
        nuint page = (nuint)Environment.SystemPageSize;
        nuint length = ((nuint)Math.Max(code.Length, 1) + page - 1) / page * page;
        nint address = denyForTesting ? Native.MapFailed
            : Native.Mmap(0, length, Native.ProtRead | Native.ProtWrite, Native.MapPrivate | Native.MapAnonymous, -1, 0);
        if (address == Native.MapFailed || address == 0)
            throw new JitUnavailableException($"mmap of {length} bytes failed (errno {(denyForTesting ? 1 : Marshal.GetLastPInvokeError())})");
        var memory = new ExecutableMemory(address, length);
        unsafe
        {
            code.CopyTo(new Span<byte>((void*)address, code.Length));
        }
        if (Native.Mprotect(address, length, Native.ProtRead | Native.ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            memory.Dispose();
            throw new JitUnavailableException($"mprotect(PROT_READ | PROT_EXEC) failed (errno {errno})");
        }
        return memory;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Native.Munmap(handle, _length) == 0;
}
