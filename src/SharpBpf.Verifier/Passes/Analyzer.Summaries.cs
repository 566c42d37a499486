using SharpBpf.Core;
using SharpBpf.Verifier.Domains;
using SharpBpf.Verifier.Programs;

namespace SharpBpf.Verifier.Passes;

/// <summary>
/// Function summaries: a bpf-to-bpf call whose callee can neither see nor change anything of its
/// callers (no pointer into their stacks, no argument linked by an id to a register or slot
/// outside the callee, no helper that changes the packet or acquires and releases references),
/// and whose arguments are covered by an earlier call's from the same call chain, does not
/// explore the callee again: it takes every result the earlier call's exploration returns (r0),
/// as that exploration finds them. The callee's states carry the summary they feed
/// (<see cref="FrameState.Summary"/>) and are compared only with states feeding the same one, so
/// that no path of the callee is pruned by a state whose results go to other callers.
/// </summary>
internal sealed partial class Analyzer
{
    private bool[]? _pureSubprogram;
    private readonly Dictionary<int, List<CallSummary>> _summaries = [];
    private AbstractState? _snapshot;

    /// <summary>The results of one exploration of a callee, and the callers waiting for them.</summary>
    internal sealed class CallSummary(FrameState entry, (int CallSite, int Entry, FrameKind Kind, CallSummary? Summary)[] callers)
    {
        /// <summary>The callee's frame at entry (its arguments).</summary>
        public FrameState Entry { get; } = entry;
        /// <summary>The frames below the callee: results are reused only under the same ones.</summary>
        public (int CallSite, int Entry, FrameKind Kind, CallSummary? Summary)[] Callers { get; } = callers;
        /// <summary>Every r0 the callee returned so far, with the exit instruction.</summary>
        public List<(RegisterValue R0, int ExitPc)> Exits { get; } = [];
        /// <summary>Callers (their state after the call's clobbers, and the snapshot they came from) that reuse the results.</summary>
        public List<(AbstractState Caller, AbstractState? Parent, int CallSite)> Waiters { get; } = [];
    }

    /// <summary>Subprograms that, with their callees, call no helper touching the packet or references (so frames below stay as they are).</summary>
    private bool IsPure(int sub)
    {
        if (_pureSubprogram is null)
        {
            int count = _cfg.Subprograms.Count;
            var direct = new bool[count];
            for (int s = 0; s < count; s++)
            {
                var sp = _cfg.Subprograms[s];
                bool ok = !sp.IsCallback;
                for (int pc = sp.Start; pc < sp.End && ok; pc++)
                {
                    if (!_cfg.IsInstruction[pc])
                        continue;
                    var insn = _program[pc];
                    var kind = OpcodeTable.KindOf(insn.Opcode);
                    if (kind is InstructionKind.LoadAbs or InstructionKind.LoadInd)
                        ok = false;
                    else if (kind == InstructionKind.LoadImm64 && insn.Src == (int)LoadImm64Source.Func)
                        ok = false;
                    else if (kind == InstructionKind.Call && insn.Src != (int)CallSource.Local)
                    {
                        var proto = insn.Src == (int)CallSource.Helper ? HelperPrototypes.Find(insn.Immediate) : null;
                        ok = proto is not null && !proto.ChangesPacketData && proto.CallbackArg == 0 &&
                            proto.Return != ReturnKind.RingbufMemOrNull && Array.IndexOf(proto.Args, ArgKind.RingbufMem) < 0;
                    }
                }
                direct[s] = ok;
            }
            var pure = new bool[count];
            for (int s = 0; s < count; s++)
                pure[s] = AllPure(s, direct, new bool[count]);
            _pureSubprogram = pure;
        }
        return _pureSubprogram[sub];
    }

    private bool AllPure(int s, bool[] direct, bool[] seen)
    {
        if (seen[s])
            return true;
        seen[s] = true;
        if (!direct[s])
            return false;
        foreach (int c in _cfg.Subprograms[s].Callees)
        {
            if (!AllPure(c, direct, seen))
                return false;
        }
        return true;
    }

    /// <summary>Whether the callee's arguments are its own: no pointer into a caller's stack, no id shared with anything outside the callee.</summary>
    private static bool ArgumentsIsolated(AbstractState st, FrameState callee)
    {
        for (int r = 1; r <= 5; r++)
        {
            var v = callee.Regs[r];
            if (v.Type is not (RegisterType.NotInit or RegisterType.Scalar or RegisterType.MapPtr or RegisterType.MapValue) || v.RefId != 0)
                return false;
            if (v.Id != 0 && (v.Id == st.LengthId || IdUsed(st, v.Id)))
                return false;
        }
        return true;
    }

    private static bool IdUsed(AbstractState st, int id)
    {
        // The callee's frame is not pushed yet: every frame of st is a caller's.
        foreach (var f in st.Frames)
        {
            for (int r = 0; r < 11; r++)
            {
                if (f.Regs[r].Id == id)
                    return true;
            }
            foreach (var (_, sp) in f.Stack.Spills())
            {
                if (sp.Value.Id == id)
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// At a local call: reuses an earlier call's results when they cover this one (true: the
    /// caller waits for them), else tags the callee's frame with a new summary when it can have one.
    /// </summary>
    private bool TrySummarisedCall(AbstractState st, FrameState callee, int pc, int target)
    {
        if (_replaying || !IsPure(_cfg.SubprogramOf[target]) || !ArgumentsIsolated(st, callee))
            return false;
        var list = _summaries.TryGetValue(pc, out var l) ? l : _summaries[pc] = [];
        foreach (var sum in list)
        {
            if (!Covers(sum, st, callee))
                continue;
            var caller = st.Clone();
            sum.Waiters.Add((caller, _snapshot, pc));
            foreach (var (r0, _) in sum.Exits)
                Resume(caller, _snapshot, pc, r0);
            return true;
        }
        var entry = callee.Clone();
        entry.Summary = null;
        var created = new CallSummary(entry, ChainOf(st));
        list.Add(created);
        callee.Summary = created;
        return false;
    }

    private static (int, int, FrameKind, CallSummary?)[] ChainOf(AbstractState st)
    {
        var chain = new (int, int, FrameKind, CallSummary?)[st.Frames.Count];
        for (int i = 0; i < chain.Length; i++)
            chain[i] = (st.Frames[i].CallSite, st.Frames[i].Entry, st.Frames[i].Kind, st.Frames[i].Summary);
        return chain;
    }

    /// <summary>Same call chain below, same global facts, and arguments within the summary's.</summary>
    private bool Covers(CallSummary sum, AbstractState st, FrameState callee)
    {
        var chain = sum.Callers;
        if (chain.Length != st.Frames.Count)
            return false;
        for (int i = 0; i < chain.Length; i++)
        {
            var f = st.Frames[i];
            if (chain[i] != (f.CallSite, f.Entry, f.Kind, f.Summary))
                return false;
        }
        _idMap.Reset();
        for (int r = 1; r <= 5; r++)
        {
            if (!callee.Regs[r].Leq(sum.Entry.Regs[r], _idMap))
                return false;
        }
        return true;
    }

    /// <summary>At a callee's exit: records the result for the callers waiting on its summary.</summary>
    private void SummaryExit(CallSummary sum, RegisterValue r0, int exitPc)
    {
        if (_replaying)
            return;
        sum.Exits.Add((r0, exitPc));
        foreach (var (caller, parent, site) in sum.Waiters)
            Resume(caller, parent, site, r0);
    }

    private void Resume(AbstractState caller, AbstractState? parent, int callSite, RegisterValue r0)
    {
        var st = caller.Clone();
        // Ids made by the callee link nothing of this caller: give the value a fresh one.
        st.Regs[0] = r0.Id != 0 ? r0 with { Id = FreshId() } : r0;
        Enqueue(st, callSite + 1, callSite, callSite, parent);
    }
}
