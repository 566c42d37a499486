using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>The BPF filesystem, where objects are pinned (bpftool and libbpf use <see cref="DefaultPath"/>).</summary>
public static class BpfFs
{
    /// <summary>/sys/fs/bpf.</summary>
    public const string DefaultPath = "/sys/fs/bpf";

    // include/uapi/linux/magic.h: BPF_FS_MAGIC.
    private const long Magic = 0xcafe4a11;

    /// <summary>Whether <paramref name="path"/> is on a bpffs (statfs f_type is BPF_FS_MAGIC).</summary>
    public static unsafe bool IsBpfFs(string path)
    {
        var buffer = stackalloc byte[Libc.StatfsSize];
        if (Libc.Statfs(path, buffer) != 0)
            return false;
        return BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(buffer, 8)) == Magic;
    }

    /// <summary>Mounts a bpffs at <paramref name="path"/> unless one is there (needs CAP_SYS_ADMIN), as bpftool does.</summary>
    public static void EnsureMounted(string path = DefaultPath)
    {
        if (IsBpfFs(path))
            return;
        Directory.CreateDirectory(path);
        if (Libc.Mount("bpf", path, "bpf", 0, 0) != 0)
            throw new BpfException($"mount bpffs at {path}: {BpfException.Describe((Errno)Marshal.GetLastPInvokeError())}");
    }
}
