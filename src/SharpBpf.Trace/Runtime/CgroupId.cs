using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Runtime;

/// <summary>
/// cgroupid("/sys/fs/cgroup/..."): the cgroup v2 id of a path, which is the 8-byte file handle
/// name_to_handle_at(2) returns, as bpftrace reads it (a cgroup v1 directory's handle is larger:
/// EOVERFLOW, which bpftrace reports as is).
/// </summary>
internal static partial class CgroupId
{
    [DllImport("libc", EntryPoint = "name_to_handle_at", SetLastError = true)]
    private static extern int NameToHandleAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [In, Out] byte[] handle, out int mountId, int flags);

    private const int AtFdCwd = -100;

    /// <summary>The id, or a <see cref="TraceException"/> with bpftrace's message.</summary>
    public static ulong Of(string path)
    {
        var handle = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(handle, 8); // handle_bytes
        if (NameToHandleAt(AtFdCwd, path, handle, out _, 0) != 0)
        {
            string reason = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            throw new TraceException($"Failed to compile: Failed to get `cgroupid` for path: \"{path}\": {reason}");
        }
        return BinaryPrimitives.ReadUInt64LittleEndian(handle.AsSpan(8));
    }
}
