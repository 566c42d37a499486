namespace SharpBpf.Verifier.Domains;

/// <summary>Why a frame was pushed.</summary>
public enum FrameKind : byte
{
    /// <summary>The program's entry.</summary>
    Main,
    /// <summary>A bpf-to-bpf call.</summary>
    Call,
    /// <summary>A callback a helper calls (bpf_loop): it returns 0 or 1 and may run again.</summary>
    Callback,
}

/// <summary>One function activation: registers r0-r10, its stack frame, and where it returns to.</summary>
public sealed class FrameState
{
    /// <summary>Registers r0..r10.</summary>
    public RegisterValue[] Regs { get; }

    /// <summary>The 512-byte stack frame.</summary>
    public StackState Stack { get; set; }

    /// <summary>The call instruction that pushed this frame, -1 for the entry.</summary>
    public int CallSite { get; init; } = -1;

    /// <summary>The first instruction of the function.</summary>
    public int Entry { get; init; }

    /// <summary>Why it was pushed.</summary>
    public FrameKind Kind { get; init; }

    /// <summary>The helper that calls a callback frame (bpf_loop), 0 otherwise.</summary>
    public int CallbackHelper { get; init; }

    /// <summary>What a callback frame's r2 was at entry (the helper passes it on every run).</summary>
    public RegisterValue CallbackContext { get; set; } = RegisterValue.NotInit;

    /// <summary>
    /// The summary this callee's results feed (<see cref="Passes.Analyzer.CallSummary"/>), null when
    /// the call is explored for its caller alone. States compare and merge only with the same summary.
    /// </summary>
    internal Passes.Analyzer.CallSummary? Summary { get; set; }

    /// <summary>A fresh frame: every register uninitialised, r10 the frame pointer of frame <paramref name="depth"/>.</summary>
    public FrameState(int depth)
    {
        Regs = new RegisterValue[11];
        for (int i = 0; i < 10; i++)
            Regs[i] = RegisterValue.NotInit;
        Regs[10] = RegisterValue.Pointer(RegisterType.Stack, frame: depth);
        Stack = new StackState();
    }

    private FrameState(RegisterValue[] regs, StackState stack)
    {
        Regs = regs;
        Stack = stack;
    }

    /// <summary>A deep copy.</summary>
    public FrameState Clone() => new((RegisterValue[])Regs.Clone(), Stack.Clone())
    {
        CallSite = CallSite, Entry = Entry, Kind = Kind, CallbackHelper = CallbackHelper, CallbackContext = CallbackContext, Summary = Summary,
    };

    /// <summary>The same frame with other registers and stack.</summary>
    public FrameState With(RegisterValue[] regs, StackState stack) => new(regs, stack)
    {
        CallSite = CallSite, Entry = Entry, Kind = Kind, CallbackHelper = CallbackHelper, CallbackContext = CallbackContext, Summary = Summary,
    };
}
