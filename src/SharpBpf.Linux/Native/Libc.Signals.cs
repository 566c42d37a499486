using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Native;

/// <summary>Signal dispositions, for <see cref="InheritedSignals"/>.</summary>
internal static unsafe partial class Libc
{
    /// <summary>SIG_DFL and SIG_IGN (include/uapi/asm-generic/signal-defs.h).</summary>
    public const nint SigDfl = 0, SigIgn = 1;

    /// <summary>
    /// Bytes of glibc's and musl's struct sigaction (152 on x86-64 and arm64), rounded up; its first
    /// word is sa_handler on both.
    /// </summary>
    public const int SigactionSize = 256;

    /// <summary>sigaction(2): <paramref name="act"/> (or null) becomes the disposition, the old one is written to <paramref name="oldact"/> (or null).</summary>
    [LibraryImport(Name, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int Sigaction(int signal, byte* act, byte* oldact);
}
