using System.Runtime.InteropServices;
using System.Text;

namespace SharpBpf.Cli;

/// <summary>
/// Standard output for a command's printing. On Unix, Console's stream sets up the terminal and starts a
/// signal-handling thread at its first write and takes Console.Out's lock on every write, about a tenth of
/// a short command's run here; commands only write bytes, so this stream hands them to write(2) on fd 1,
/// as bpftool's stdio does. Elsewhere it is Console's stream. Its writes, and those of <see cref="Errors"/>,
/// wait for the answer of <c>./sharpbpf</c>'s build check (<see cref="BuildFreshness.AwaitFresh"/>): nothing is
/// printed by a build that turns out stale (it throws, and is rebuilt).
/// </summary>
internal static class StandardOutput
{
    public static Stream Open() => OperatingSystem.IsLinux() ? new FdWriteStream(1) : Console.OpenStandardOutput();

    /// <summary>Standard error (Console.Error) for a command's messages, its writes waiting for the build check.</summary>
    public static TextWriter Errors { get; } = new CheckedErrors();

    private sealed class CheckedErrors : TextWriter
    {
        public override Encoding Encoding => Console.Error.Encoding;

        public override void Write(char value)
        {
            BuildFreshness.AwaitFresh();
            Console.Error.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            BuildFreshness.AwaitFresh();
            Console.Error.Write(buffer, index, count);
        }

        public override void Write(string? value)
        {
            BuildFreshness.AwaitFresh();
            Console.Error.Write(value);
        }

        public override void Flush() => Console.Error.Flush();
    }

    /// <summary>Unbuffered writes to a file descriptor it does not own (wrap it in a StreamWriter to buffer).</summary>
    private sealed class FdWriteStream(int fd) : Stream
    {
        private const int EINTR = 4;
        private const int EAGAIN = 11;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            BuildFreshness.AwaitFresh();
            fixed (byte* start = buffer)
            {
                int done = 0;
                while (done < buffer.Length)
                {
                    nint n = write(fd, start + done, (nuint)(buffer.Length - done));
                    if (n >= 0)
                    {
                        done += (int)n;
                        continue;
                    }
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                        continue;
                    if (errno == EAGAIN)
                    {
                        // A non-blocking pipe that is full (set so by whoever shares it): wait until it drains.
                        Thread.Sleep(1);
                        continue;
                    }
                    // EPIPE and the like: the reader is gone, as for Console's stream, the rest is dropped.
                    return;
                }
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        private static extern unsafe nint write(int fd, byte* buffer, nuint count);
    }
}
