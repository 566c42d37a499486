using System.Runtime.InteropServices;
using SharpBpf.Linux;

namespace SharpBpf.Trace.Runtime;

/// <summary>
/// Ends a trace on SIGINT or SIGTERM by cancelling its token, so the session detaches, runs END and
/// prints the maps, as bpftrace's handler does. bpftrace installs that handler whatever the signal's
/// inherited disposition; so does this, un-ignoring SIGINT when a shell started the trace in the
/// background (<see cref="InheritedSignals"/>). Create it before the process's first Console write.
/// </summary>
public sealed class TraceSignals : IDisposable
{
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    private TraceSignals(CancellationTokenSource cancel)
    {
        bool wasIgnored = InheritedSignals.Unignore(InheritedSignals.Interrupt);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Cancel(c, cancel));
        // .NET installs no handler when its signal handling started while SIGINT was ignored (something
        // wrote to the console first): ignoring it again is then better than being killed by it.
        if (wasIgnored && !InheritedSignals.IsHandled(InheritedSignals.Interrupt))
            InheritedSignals.Ignore(InheritedSignals.Interrupt);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Cancel(c, cancel));
    }

    /// <summary>Cancels <paramref name="cancel"/> on SIGINT or SIGTERM until disposed.</summary>
    public static TraceSignals CancelOn(CancellationTokenSource cancel) => new(cancel);

    private static void Cancel(PosixSignalContext context, CancellationTokenSource cancel)
    {
        context.Cancel = true;
        cancel.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
