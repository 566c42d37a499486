namespace SharpBpf.Linux.Native;

/// <summary>
/// The non-throwing door feature probes use: a probe's answer is the errno (and the verifier's
/// log), thousands of times per run, so it must not cost an exception each. It goes through the
/// same <see cref="Invoke"/> (and its EAGAIN retry) as every other bpf(2) call.
/// </summary>
internal static unsafe partial class Sys
{
    /// <summary>bpf(<paramref name="command"/>, &amp;attr): the result (an fd or 0), or -1 with <paramref name="errno"/>.</summary>
    public static int TryBpf<TAttr>(BpfCommand command, ref TAttr attr, out Errno errno) where TAttr : unmanaged =>
        Invoke(command, ref attr, out errno);
}
