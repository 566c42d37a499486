using SharpBpf.Core;
using SharpBpf.Core.Formatting;
using SharpBpf.Verifier.Domains;
using SharpBpf.Verifier.Programs;

namespace SharpBpf.Verifier.Passes;

/// <summary>
/// The fourth pass: abstract interpretation to a fixpoint over the CFG. A worklist of states,
/// ordered by reverse post-order, each run instruction by instruction until the next block
/// leader, where it is stored. A state covered by a stored one is pruned (the kernel's
/// states_equal); states stay apart (path-sensitive, like the kernel's exploration) up to a limit
/// per instruction, beyond which they are merged; at loop heads, after
/// <see cref="VerifierOptions.LoopUnroll"/> states of one shape, they are widened with thresholds.
/// Every state is checked against the instruction's assertions; the first broken one becomes an
/// explained error. Loops that were merged or widened must then be shown to terminate
/// (<see cref="Termination"/>).
/// </summary>
internal sealed partial class Analyzer
{
    private const int MaxWidenings = 24;
    private const int MaxCallFrames = 8;

    private readonly Instruction[] _program;
    private readonly ControlFlowGraph _cfg;
    private readonly Liveness _live;
    private readonly Assertion[][] _assertions;
    private readonly ProgramContext _ctx;
    private readonly VerifierOptions _opt;
    private readonly List<MapDefinition> _maps;
    private readonly WideningThresholds _thresholds;
    private readonly bool[] _wideningPoint;
    private readonly List<int>[] _loopsAt;
    private readonly LoopRecord[] _loopRecords;

    private readonly List<AbstractState>?[] _states;
    private readonly PriorityQueue<AbstractState, (int, long)> _work = new();
    private readonly IdMap _idMap = new();
    private long _seq;
    private int _nextId = 1;
    private bool _replaying;
    private int _edgeLoopFrom;

    private readonly List<VerifierError> _errors = [];
    private readonly HashSet<(int, string)> _errorKeys = [];
    private readonly VerifierFacts _facts;
    private readonly bool[] _accessSeen;
    private readonly bool[] _accessUnproven;
    private readonly bool[] _divSeen;
    private readonly bool[] _divMaybeZero;
    private readonly RegisterValue[]?[] _summary;
    private readonly int[] _stackDepth;
    private readonly List<string> _log = [];

    private long _processed;
    private int _totalStates;
    private int _storedNow;
    private int _peakStates;
    private int _maxPerInsn;
    private int _pruned;
    private int _merges;

    /// <summary>What the fixpoint learnt about a loop, for the termination pass.</summary>
    internal sealed class LoopRecord(Loop loop)
    {
        public Loop Loop { get; } = loop;
        /// <summary>Some state inside the loop was pruned, merged or widened: the exploration alone does not prove termination.</summary>
        public bool NeedsProof { get; set; }
        public bool Widened { get; set; }
        public bool Reached { get; set; }
        /// <summary>Registers and stack of the current frame at the header, joined over every visit.</summary>
        public FrameSummary? Header { get; set; }
        /// <summary>The same over every state taking a back edge, after the branch's refinement.</summary>
        public FrameSummary? Latch { get; set; }
    }

    internal Analyzer(Instruction[] program, ControlFlowGraph cfg, Liveness live, Assertion[][] assertions, ProgramContext ctx,
        VerifierOptions options, List<MapDefinition> maps)
    {
        _program = program;
        _cfg = cfg;
        _live = live;
        _assertions = assertions;
        _ctx = ctx;
        _opt = options;
        _maps = maps;
        int n = program.Length;
        _states = new List<AbstractState>?[n];
        _facts = new VerifierFacts(n);
        _accessSeen = new bool[n];
        _accessUnproven = new bool[n];
        _divSeen = new bool[n];
        _divMaybeZero = new bool[n];
        _summary = new RegisterValue[]?[n];
        _stackDepth = new int[cfg.Subprograms.Count];
        _thresholds = new WideningThresholds(CollectConstants(program, cfg));
        _wideningPoint = (bool[])cfg.IsLoopHead.Clone();
        foreach (var s in cfg.Subprograms)
        {
            if (s.IsCallback)
                _wideningPoint[s.Start] = true; // a callback re-entered by its helper is a loop
        }
        _loopsAt = new List<int>[n];
        for (int i = 0; i < n; i++)
            _loopsAt[i] = [];
        _loopRecords = new LoopRecord[cfg.Loops.Count];
        for (int l = 0; l < cfg.Loops.Count; l++)
        {
            _loopRecords[l] = new LoopRecord(cfg.Loops[l]);
            foreach (int pc in cfg.Loops[l].Body)
                _loopsAt[pc].Add(l);
        }
    }

    internal IReadOnlyList<VerifierError> Errors => _errors;

    internal VerifierFacts Facts => _facts;

    internal IReadOnlyList<string> Log => _log;

    internal LoopRecord[] LoopRecords => _loopRecords;

    internal RegisterValue[]?[] Summaries => _summary;

    internal int[] SubprogramStackDepth => _stackDepth;

    internal VerifierStats Stats(TimeSpan elapsed, int stackDepth) => new()
    {
        ProcessedInstructions = _processed, Limit = _opt.MaxProcessedInstructions, MaxStatesPerInstruction = _maxPerInsn,
        TotalStates = _totalStates, PeakStates = _peakStates, PrunedStates = _pruned, Merges = _merges, Elapsed = elapsed,
        StackDepth = stackDepth,
    };

    internal string MapName(int index) => index >= 0 && index < _maps.Count ? _maps[index].Name : $"map#{index}";

    private int FreshId() => _nextId++;

    private static IEnumerable<long> CollectConstants(Instruction[] program, ControlFlowGraph cfg)
    {
        yield return 0;
        for (int pc = 0; pc < program.Length; pc++)
        {
            if (!cfg.IsInstruction[pc])
                continue;
            var insn = program[pc];
            var kind = OpcodeTable.KindOf(insn.Opcode);
            if (kind == InstructionKind.Jump && !OpcodeTable.UsesSrcRegister(insn.Opcode) || kind == InstructionKind.Mov && !OpcodeTable.UsesSrcRegister(insn.Opcode))
            {
                yield return insn.Immediate;
                if (insn.Class == Opcodes.ClassJmp32 || insn.Class == Opcodes.ClassAlu)
                    yield return (uint)insn.Immediate;
            }
        }
    }

    // ---------------------------------------------------------------- the worklist

    /// <summary>Runs the fixpoint from the entry state.</summary>
    internal void Run(AbstractState entry)
    {
        Enqueue(entry, 0, -1, -1, null);
        var successors = new List<Successor>(4);
        while (_work.TryDequeue(out var snapshot, out _))
        {
            if (snapshot.Superseded)
                continue;
            ExecuteFrom(snapshot, successors);
            if (_errors.Count >= _opt.MaxErrors)
                break;
            if (_processed > _opt.MaxProcessedInstructions)
            {
                AddError(new VerifierError
                {
                    Id = VerifierDiagnosticIds.ComplexityLimit,
                    Rule = $"the analysis may process at most {_opt.MaxProcessedInstructions} instructions (the kernel's BPF_COMPLEXITY_LIMIT_INSNS)",
                    Message = $"the program is too complex to verify: {_processed} instructions processed",
                    Hint = "reduce the branches that multiply paths, or bound loops more tightly; bpf_loop() takes a loop body out of the path count",
                });
                break;
            }
        }
        _storedNow = 0;
    }

    /// <summary>A state leaving an instruction for another.</summary>
    internal readonly record struct Successor(AbstractState State, int Pc, int LoopFrom);

    private void ExecuteFrom(AbstractState snapshot, List<Successor> successors)
    {
        var st = snapshot.Clone();
        int pc = snapshot.Pc;
        _snapshot = snapshot;
        while (true)
        {
            _processed++;
            if (_processed > _opt.MaxProcessedInstructions)
                return;
            _facts.Reached[pc] = true;
            if (_cfg.InLoop[pc])
                Summarise(st, pc);
            if (_opt.TraceLog)
                _log.Add($"{pc}: {LlvmFormatter.Instance.Format(_program, pc)}  ; {st.Format(MapName)}");
            successors.Clear();
            _edgeLoopFrom = pc;
            int next = Step(st, pc, successors, out var violation);
            if (violation is not null)
            {
                Fail(st, pc, snapshot, violation);
                return;
            }
            foreach (var s in successors)
                Enqueue(s.State, s.Pc, pc, s.LoopFrom, snapshot);
            if (next < 0)
                return;
            if (_cfg.IsLeader[next])
            {
                Enqueue(st, next, pc, _edgeLoopFrom, snapshot);
                return;
            }
            pc = next;
        }
    }

    private void Summarise(AbstractState st, int pc)
    {
        var regs = st.Regs;
        if (_summary[pc] is not { } sum)
        {
            _summary[pc] = (RegisterValue[])regs.Clone();
            return;
        }
        for (int r = 0; r < 10; r++)
            sum[r] = sum[r].Join(regs[r], 0, 0);
    }

    /// <summary>
    /// Stores a state arriving at a leader: pruned if a stored state covers it, widened at a loop
    /// head once enough states of its shape are there, merged when an instruction has too many,
    /// else kept and queued.
    /// </summary>
    private void Enqueue(AbstractState st, int pc, int fromPc, int loopFrom, AbstractState? parent)
    {
        if (_replaying)
            return;
        st.Pc = pc;
        st.EdgeFrom = fromPc;
        st.Parent = parent;
        Clean(st, pc);
        RecordLoopEdges(st, pc, loopFrom);
        var list = _states[pc] ??= [];
        foreach (var old in list)
        {
            if (st.Leq(old, _idMap))
            {
                _pruned++;
                FlagLoops(st, pc, loopFrom);
                return;
            }
        }
        if (_wideningPoint[pc])
        {
            int same = 0;
            AbstractState? anchor = null;
            foreach (var old in list)
            {
                if (old.SameShape(st))
                {
                    same++;
                    if (anchor is null || old.Widenings > anchor.Widenings || old.Widenings == anchor.Widenings && old.Merged >= anchor.Merged)
                        anchor = old;
                }
            }
            if (anchor is not null && same >= _opt.LoopUnroll)
            {
                var w = Widen(anchor, st);
                FlagLoops(st, pc, loopFrom, widened: true);
                if (w.Leq(anchor, _idMap))
                {
                    // The widened state is the anchor again: st is covered (the widening is an upper
                    // bound of both), and exploring it would only repeat what the anchor did.
                    _pruned++;
                    return;
                }
                Replace(list, anchor, w, pc);
                return;
            }
        }
        if (list.Count >= _opt.MaxStatesPerInstruction)
        {
            AbstractState? target = null;
            foreach (var old in list)
            {
                if (old.SameShape(st))
                    target = old;
            }
            if (target is not null)
            {
                var joined = target.Join(st, FreshId);
                FlagLoops(st, pc, loopFrom);
                if (joined.Leq(target, _idMap))
                {
                    _pruned++;
                    return;
                }
                CopyProvenance(joined, st, target);
                Replace(list, target, joined, pc);
                return;
            }
        }
        list.Add(st);
        _totalStates++;
        _storedNow++;
        _peakStates = Math.Max(_peakStates, _storedNow);
        _maxPerInsn = Math.Max(_maxPerInsn, list.Count);
        Push(st, pc);
    }

    private AbstractState Widen(AbstractState anchor, AbstractState st)
    {
        AbstractState w;
        if (anchor.Widenings >= MaxWidenings)
        {
            // Give up on thresholds: a bound still growing goes to its type's end, so the chain ends.
            w = anchor.Join(st, FreshId, WideningThresholds.None);
        }
        else
        {
            w = anchor.Join(st, FreshId, _thresholds);
        }
        CopyProvenance(w, st, anchor);
        w.Widenings = anchor.Widenings + 1;
        return w;
    }

    private static void CopyProvenance(AbstractState merged, AbstractState incoming, AbstractState old)
    {
        merged.Pc = incoming.Pc;
        merged.EdgeFrom = incoming.EdgeFrom;
        merged.Parent = incoming.Parent;
        merged.Merged = old.Merged + incoming.Merged + 1;
    }

    private void Replace(List<AbstractState> list, AbstractState old, AbstractState merged, int pc)
    {
        old.Superseded = true;
        list.Remove(old);
        // Drop what the merged state now covers.
        for (int i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].SameShape(merged) && list[i].Leq(merged, _idMap))
            {
                list[i].Superseded = true;
                list.RemoveAt(i);
                _storedNow--;
            }
        }
        list.Add(merged);
        _merges++;
        Push(merged, pc);
    }

    private void Push(AbstractState st, int pc) => _work.Enqueue(st, (_cfg.Order[pc], _seq++));

    /// <summary>Forgets dead registers (liveness) so that states differing only there compare equal.</summary>
    private void Clean(AbstractState st, int pc)
    {
        ushort live = _live.LiveIn[pc];
        var regs = st.Regs;
        for (int r = 0; r < 10; r++)
        {
            if ((live & (1 << r)) == 0)
                regs[r] = RegisterValue.NotInit;
        }
        for (int f = 0; f < st.Depth; f++)
        {
            ushort across = _live.LiveAcrossCall(st.Frames[f + 1].CallSite + 1);
            var cr = st.Frames[f].Regs;
            for (int r = 0; r < 10; r++)
            {
                if ((across & (1 << r)) == 0)
                    cr[r] = RegisterValue.NotInit;
            }
        }
        // References whose pointers all died can never be released: keep them (the exit check reports them).
    }

    /// <summary>
    /// Marks the loops whose termination the exploration no longer proves: a state inside one was
    /// pruned, merged or widened (so a cycle of states may have been closed).
    /// </summary>
    private void FlagLoops(AbstractState st, int pc, int loopFrom, bool widened = false)
    {
        foreach (int l in _loopsAt[pc])
        {
            if (loopFrom >= 0 && _loopRecords[l].Loop.Body.Contains(loopFrom))
            {
                _loopRecords[l].NeedsProof = true;
                _loopRecords[l].Widened |= widened;
            }
        }
        // Inside a callee called from a loop: the whole call is part of the iteration.
        for (int f = 1; f <= st.Depth; f++)
        {
            int site = st.Frames[f].CallSite;
            foreach (int l in _loopsAt[site])
            {
                _loopRecords[l].NeedsProof = true;
                _loopRecords[l].Widened |= widened;
            }
        }
    }

    private void RecordLoopEdges(AbstractState st, int pc, int loopFrom)
    {
        foreach (int l in _loopsAt[pc])
        {
            var rec = _loopRecords[l];
            if (rec.Loop.Header != pc)
                continue;
            rec.Reached = true;
            rec.Header = FrameSummary.Join(rec.Header, st.Current);
            if (loopFrom >= 0 && rec.Loop.Latches.Contains(loopFrom))
                rec.Latch = FrameSummary.Join(rec.Latch, st.Current);
        }
    }

    // ---------------------------------------------------------------- errors

    private void Fail(AbstractState st, int pc, AbstractState origin, Violation v)
    {
        if (_replaying)
            return;
        if (!_errorKeys.Add((pc, v.Id)))
            return;
        AddError(Explain(st, pc, origin, v));
    }

    internal void AddError(VerifierError e)
    {
        _errorKeys.Add((e.Pc, e.Id));
        _errors.Add(e);
    }

    // ---------------------------------------------------------------- facts

    private void NoteAccess(int pc, MemoryRegionKind region, bool proven)
    {
        if (_replaying)
            return;
        _accessSeen[pc] = true;
        _accessUnproven[pc] |= !proven;
        _facts.Regions[pc] |= region;
    }

    private void NoteDivisor(int pc, bool maybeZero)
    {
        if (_replaying)
            return;
        _divSeen[pc] = true;
        _divMaybeZero[pc] |= maybeZero;
    }

    private void NoteStack(AbstractState st, int frame, int depth)
    {
        if (_replaying)
            return;
        int sub = _cfg.SubprogramOf[st.Frames[frame].Entry];
        _stackDepth[sub] = Math.Max(_stackDepth[sub], depth);
    }

    /// <summary>Fills the facts that need the whole run.</summary>
    internal void FinishFacts()
    {
        for (int pc = 0; pc < _program.Length; pc++)
        {
            _facts.AccessInBounds[pc] = _accessSeen[pc] && !_accessUnproven[pc];
            _facts.DivisorNonZero[pc] = _divSeen[pc] && !_divMaybeZero[pc];
        }
    }
}

/// <summary>The registers and stack of one frame, joined over several states (for loop summaries).</summary>
internal sealed class FrameSummary
{
    public required RegisterValue[] Regs { get; init; }
    public required StackState Stack { get; init; }

    public static FrameSummary Join(FrameSummary? sum, FrameState frame)
    {
        if (sum is null)
            return new FrameSummary { Regs = (RegisterValue[])frame.Regs.Clone(), Stack = frame.Stack.Clone() };
        var regs = new RegisterValue[11];
        for (int r = 0; r < 11; r++)
            regs[r] = sum.Regs[r].Join(frame.Regs[r], 0, 0);
        return new FrameSummary { Regs = regs, Stack = sum.Stack.Join(frame.Stack, (a, b) => a.Join(b, 0, 0)) };
    }
}
