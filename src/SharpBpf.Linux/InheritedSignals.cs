using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// Signals a process was started with ignored. A non-interactive shell starts <c>cmd &amp;</c> with
/// SIGINT and SIGQUIT ignored (POSIX, "Asynchronous Lists"), and .NET keeps a signal it found ignored
/// ignored: System.Native's InstallSignalHandler "respects ignored signals", so a
/// PosixSignalRegistration or Console.CancelKeyPress for it is never called. A tool that must end
/// cleanly on <c>kill -INT</c> from such a shell, as bpftrace does (it installs its handler whatever
/// it inherited), un-ignores the signal before .NET sets up its signal handling: before the first
/// Console write or PosixSignalRegistration.
/// </summary>
public static class InheritedSignals
{
    /// <summary>SIGINT (asm-generic/signal.h; the same number on every Linux architecture .NET runs on).</summary>
    public const int Interrupt = 2;

    /// <summary>True when <paramref name="signal"/>'s disposition is SIG_IGN.</summary>
    public static bool IsIgnored(int signal) => Handler(signal) == Libc.SigIgn;

    /// <summary>True when a handler (neither SIG_DFL nor SIG_IGN) is installed for <paramref name="signal"/>.</summary>
    public static bool IsHandled(int signal) => Handler(signal) is not (Libc.SigDfl or Libc.SigIgn);

    /// <summary>Sets an ignored <paramref name="signal"/> back to SIG_DFL; returns whether it was ignored.</summary>
    public static bool Unignore(int signal)
    {
        if (!IsIgnored(signal))
            return false;
        Set(signal, Libc.SigDfl);
        return true;
    }

    /// <summary>Ignores <paramref name="signal"/> (SIG_IGN).</summary>
    public static void Ignore(int signal) => Set(signal, Libc.SigIgn);

    private static unsafe nint Handler(int signal)
    {
        if (!OperatingSystem.IsLinux())
            return Libc.SigDfl;
        byte* old = stackalloc byte[Libc.SigactionSize];
        if (Libc.Sigaction(signal, null, old) != 0)
            throw new BpfException($"sigaction({signal})", (Errno)System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        return *(nint*)old;
    }

    private static unsafe void Set(int signal, nint handler)
    {
        if (!OperatingSystem.IsLinux())
            return;
        byte* act = stackalloc byte[Libc.SigactionSize];
        new Span<byte>(act, Libc.SigactionSize).Clear(); // empty sa_mask, no flags
        *(nint*)act = handler;
        if (Libc.Sigaction(signal, act, null) != 0)
            throw new BpfException($"sigaction({signal})", (Errno)System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
    }
}
