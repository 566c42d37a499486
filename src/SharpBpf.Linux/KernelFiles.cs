using System.Runtime.InteropServices;
using System.Text;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// Reads the small text files of /proc, /sys and tracefs (a tracepoint's format and id, the CPU lists, the
/// kernel release) with open/read/close and nothing else: File.ReadAllText's stream, reader and sharing lock
/// were a tenth of a one-liner's start-up (`sharpbpf trace`), for files of a few hundred bytes.
/// </summary>
public static class KernelFiles
{
    /// <summary>The whole file as UTF-8 text; <see cref="FileNotFoundException"/>, <see cref="UnauthorizedAccessException"/> or <see cref="IOException"/> as File.ReadAllText.</summary>
    public static unsafe string ReadAllText(string path)
    {
        if (!OperatingSystem.IsLinux())
            return File.ReadAllText(path);
        int length = Encoding.UTF8.GetByteCount(path);
        byte[] name = new byte[length + 1];
        Encoding.UTF8.GetBytes(path, name);
        int fd;
        fixed (byte* p = name)
            fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
            throw Failure(Marshal.GetLastPInvokeError(), path);
        try
        {
            byte[] buffer = new byte[4096];
            int used = 0;
            while (true)
            {
                if (used == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                long n;
                fixed (byte* b = buffer)
                    n = Libc.Read(fd, b + used, (nuint)(buffer.Length - used));
                if (n == 0)
                    break;
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == (int)Errno.EINTR)
                        continue;
                    throw Failure(errno, path);
                }
                used += (int)n;
            }
            return Encoding.UTF8.GetString(buffer, 0, used);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static Exception Failure(int errno, string path) => errno switch
    {
        (int)Errno.ENOENT or (int)Errno.ENOTDIR => new FileNotFoundException($"Could not find file '{path}'.", path),
        (int)Errno.EACCES or (int)Errno.EPERM => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        _ => new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno),
    };
}
