using System.Text;

namespace SharpBpf.Linux.Native;

/// <summary>The commands every kind of object shares: info, pinning, ids.</summary>
internal static unsafe partial class Sys
{
    /// <summary>BPF_OBJ_GET_INFO_BY_FD into <paramref name="info"/>; returns info_len as the kernel wrote it.</summary>
    public static uint ObjGetInfo<TInfo>(BpfFileDescriptor fd, ref TInfo info) where TInfo : unmanaged
    {
        using var lease = fd.Acquire();
        fixed (TInfo* p = &info)
        {
            var attr = new ObjGetInfoAttr { BpfFd = lease.Fd, InfoLen = (uint)sizeof(TInfo), Info = Pointer(p) };
            Bpf(BpfCommand.ObjGetInfoByFd, ref attr);
            return attr.InfoLen;
        }
    }

    /// <summary>BPF_OBJ_PIN: pins the object at <paramref name="path"/> on a bpffs.</summary>
    public static void ObjPin(BpfFileDescriptor fd, string path)
    {
        using var lease = fd.Acquire();
        fixed (byte* p = Utf8Z(path))
        {
            var attr = new ObjPinAttr { Pathname = Pointer(p), BpfFd = lease.Fd };
            Bpf(BpfCommand.ObjPin, ref attr);
        }
    }

    /// <summary>BPF_OBJ_GET: opens the object pinned at <paramref name="path"/> (file_flags BPF_F_RDONLY/BPF_F_WRONLY for maps).</summary>
    public static BpfFileDescriptor ObjGet(string path, uint fileFlags)
    {
        fixed (byte* p = Utf8Z(path))
        {
            var attr = new ObjPinAttr { Pathname = Pointer(p), FileFlags = fileFlags };
            return BpfFd(BpfCommand.ObjGet, ref attr);
        }
    }

    /// <summary>BPF_*_GET_FD_BY_ID.</summary>
    public static BpfFileDescriptor GetFdById(BpfCommand command, uint id, uint openFlags = 0)
    {
        var attr = new GetIdAttr { StartId = id, OpenFlags = openFlags };
        return BpfFd(command, ref attr);
    }

    /// <summary>BPF_*_GET_NEXT_ID: the first id above <paramref name="start"/>; false after the last.</summary>
    public static bool GetNextId(BpfCommand command, uint start, out uint next)
    {
        var attr = new GetIdAttr { StartId = start };
        bool found = Bpf(command, ref attr, Errno.ENOENT) >= 0;
        next = found ? attr.NextId : 0;
        return found;
    }

    /// <summary>A string as a NUL-terminated UTF-8 array.</summary>
    public static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>A NUL-terminated name from a fixed char array (map_name, prog name).</summary>
    public static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
