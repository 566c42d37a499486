using System.Text;

namespace SharpBpf.Linux.Native;

/// <summary>The attrs whose command takes a verifier log buffer (BPF_PROG_LOAD, BPF_BTF_LOAD).</summary>
internal interface IVerifierLogAttr
{
    /// <summary>Sets log_level, log_size and log_buf.</summary>
    void SetLog(uint level, uint size, ulong buffer);

    /// <summary>log_true_size: the size the whole log needs, written back by Linux 6.4+ (0 before).</summary>
    uint LogTrueSize { get; }
}

internal partial struct ProgLoadAttr : IVerifierLogAttr
{
    void IVerifierLogAttr.SetLog(uint level, uint size, ulong buffer)
    {
        LogLevel = level;
        LogSize = size;
        LogBuf = buffer;
    }

    uint IVerifierLogAttr.LogTrueSize => LogTrueSize;
}

internal partial struct BtfLoadAttr : IVerifierLogAttr
{
    void IVerifierLogAttr.SetLog(uint level, uint size, ulong buffer)
    {
        BtfLogLevel = level;
        BtfLogSize = size;
        BtfLogBuf = buffer;
    }

    uint IVerifierLogAttr.LogTrueSize => BtfLogTrueSize;
}

internal static unsafe partial class Sys
{
    /// <summary>The default first log buffer: 64 KiB, grown on ENOSPC.</summary>
    public const int DefaultLogSize = 64 * 1024;

    // kernel/bpf/log.c, bpf_verifier_log_attr_valid: log_size at least 128 and at most UINT_MAX >> 2.
    private const uint MinLogSize = 128;
    private const uint MaxLogSize = uint.MaxValue >> 2;

    /// <summary>
    /// Issues BPF_PROG_LOAD or BPF_BTF_LOAD. With <paramref name="level"/> None the first attempt has
    /// no log (the fast path); a rejection (EACCES, EINVAL, EPERM) is repeated at log level 1 to explain it,
    /// and thrown as <see cref="BpfVerifierException"/>. With a level the log is kept in
    /// <paramref name="log"/> on success. Either way the buffer grows on ENOSPC, to log_true_size
    /// where the kernel reports it (6.4+) or twice the size before.
    /// </summary>
    public static BpfFileDescriptor LoadWithLog<TAttr>(BpfCommand command, ref TAttr attr, VerifierLogLevel level, int logSize, out string? log)
        where TAttr : unmanaged, IVerifierLogAttr
    {
        log = null;
        Errno errno;
        if (level == VerifierLogLevel.None)
        {
            attr.SetLog(0, 0, 0);
            int fd = Invoke(command, ref attr, out errno);
            if (fd >= 0)
                return new BpfFileDescriptor(fd);
            // EPERM too: the verifier refuses some programs with it (BPF trampolines where the
            // kernel cannot make them), and an empty log then tells that apart from a rejection.
            if (errno is not (Errno.EACCES or Errno.EINVAL or Errno.EPERM))
                throw Error(command, errno);
            level = VerifierLogLevel.Basic;
        }

        uint size = Math.Clamp((uint)Math.Max(logSize, 0), MinLogSize, MaxLogSize);
        while (true)
        {
            var buffer = new byte[size];
            int fd;
            fixed (byte* p = buffer)
            {
                attr.SetLog((uint)level, size, Pointer(p));
                fd = Invoke(command, ref attr, out errno);
            }
            attr.SetLog(0, 0, 0);
            string text = Text(buffer);
            if (fd >= 0)
            {
                log = text;
                return new BpfFileDescriptor(fd);
            }
            if (errno == Errno.ENOSPC && size < MaxLogSize)
            {
                uint needed = attr.LogTrueSize;
                size = needed > size ? Math.Min(needed, MaxLogSize) : (uint)Math.Min((ulong)size * 2, MaxLogSize);
                continue;
            }
            // A rejection without a word in the log is not the verifier's (an unknown program
            // type, E2BIG, EPERM, ...): the errno says it all.
            if (text.Length == 0)
                throw Error(command, errno);
            throw new BpfVerifierException(text, command, errno);
        }
    }

    private static string Text(byte[] buffer)
    {
        int end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
