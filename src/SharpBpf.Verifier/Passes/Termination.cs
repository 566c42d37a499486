using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Verifier.Domains;

namespace SharpBpf.Verifier.Passes;

/// <summary>
/// The fifth pass: every loop terminates. A loop whose every iteration the fixpoint explored
/// separately (no state in it was pruned, merged or widened) is finite because the exploration
/// was (the kernel's argument). Any other loop needs a ranking argument: a register or stack slot
/// that changes by a fixed-sign step on every iteration without wrapping (shown by a small
/// symbolic analysis of the loop body: "x = x_at_head + [lo, hi]"), and whose values at the head
/// and at the back edges the fixpoint bounded. Iterations are then at most
/// (latch_max - head_min) / step + 1, which must be within <see cref="VerifierOptions.MaxLoopIterations"/>.
/// Loops passing through may_goto on every cycle are bounded by its budget.
/// </summary>
internal sealed class Termination(Instruction[] program, ControlFlowGraph cfg, Analyzer analyzer, VerifierOptions options)
{
    /// <summary>Checks every reached loop; returns the bounds and the errors.</summary>
    public (List<LoopBound> Bounds, List<VerifierError> Errors) Run()
    {
        var bounds = new List<LoopBound>();
        var errors = new List<VerifierError>();
        foreach (var rec in analyzer.LoopRecords)
        {
            if (!rec.Reached)
                continue;
            var loop = rec.Loop;
            if (!rec.NeedsProof)
            {
                bounds.Add(new LoopBound(loop.Header, loop.Latches, null, "every iteration was explored separately"));
                continue;
            }
            if (BoundedByMayGoto(loop))
            {
                bounds.Add(new LoopBound(loop.Header, loop.Latches, null, "every cycle passes a may_goto"));
                continue;
            }
            var (bound, how, why) = Rank(rec);
            if (bound is { } b && b <= options.MaxLoopIterations)
                bounds.Add(new LoopBound(loop.Header, loop.Latches, b, how!));
            else
                errors.Add(Unbounded(rec, bound, why ?? how ?? ""));
        }
        return (bounds, errors);
    }

    private bool BoundedByMayGoto(Loop loop)
    {
        var seen = new HashSet<int> { loop.Header };
        var work = new Stack<int>();
        work.Push(loop.Header);
        while (work.Count > 0)
        {
            int pc = work.Pop();
            if (OpcodeTable.KindOf(program[pc].Opcode) == InstructionKind.MayGoto)
                continue;
            if (loop.Latches.Contains(pc))
                return false;
            foreach (int t in cfg.Successors[pc])
            {
                if (loop.Body.Contains(t) && t != loop.Header && seen.Add(t))
                    work.Push(t);
            }
        }
        return true;
    }

    // ------------------------------------------------------------- symbolic deltas

    /// <summary>A location's value relative to the value of <see cref="Base"/> at the loop head.</summary>
    private readonly record struct Sym(int Base, long Lo, long Hi, bool UnsignedOk, bool SignedOk)
    {
        public static Sym Unknown => new(-1, 0, 0, false, false);
        public bool IsKnown => Base >= 0;
        public static Sym Identity(int loc) => new(loc, 0, 0, true, true);
    }

    private const int StackLocBase = 1000;

    private static int StackLoc(int off, int size) => StackLocBase + (-off) * 16 + size;

    private static (int Off, int Size) FromStackLoc(int loc) => (-((loc - StackLocBase) / 16), (loc - StackLocBase) % 16);

    private static string LocName(int loc)
    {
        if (loc < StackLocBase)
            return $"r{loc}";
        var (off, size) = FromStackLoc(loc);
        return $"the {size}-byte stack slot fp{off}";
    }

    private sealed class SymState
    {
        public Dictionary<int, Sym> Map { get; } = [];

        public Sym Get(int loc) => Map.TryGetValue(loc, out var s) ? s : Sym.Identity(loc);

        public SymState Clone()
        {
            var c = new SymState();
            foreach (var kv in Map)
                c.Map[kv.Key] = kv.Value;
            return c;
        }

        public void KillStack()
        {
            foreach (var k in Map.Keys.Where(k => k >= StackLocBase).ToList())
                Map[k] = Sym.Unknown;
            Map[-2] = Sym.Unknown; // marker: every other stack slot is unknown too
        }

        public bool StackKilled => Map.ContainsKey(-2);

        public Sym GetStack(int loc) => Map.TryGetValue(loc, out var s) ? s : StackKilled ? Sym.Unknown : Sym.Identity(loc);

        public Sym Effective(int loc) => loc >= StackLocBase ? GetStack(loc) : Get(loc);

        /// <summary>Join; returns whether this changed. With <paramref name="widen"/>, a delta still moving is given up.</summary>
        public bool JoinWith(SymState other, bool widen)
        {
            bool changed = false;
            foreach (int k in Map.Keys.Union(other.Map.Keys).Where(k => k >= 0).ToList())
            {
                var a = Effective(k);
                var b = other.Effective(k);
                Sym j;
                if (!a.IsKnown || !b.IsKnown || a.Base != b.Base)
                    j = Sym.Unknown;
                else
                {
                    long lo = Math.Min(a.Lo, b.Lo), hi = Math.Max(a.Hi, b.Hi);
                    j = widen && (lo < a.Lo || hi > a.Hi)
                        ? Sym.Unknown
                        : new Sym(a.Base, lo, hi, a.UnsignedOk && b.UnsignedOk, a.SignedOk && b.SignedOk);
                }
                if (j != a)
                {
                    Map[k] = j;
                    changed = true;
                }
            }
            if (other.StackKilled && !StackKilled)
            {
                Map[-2] = Sym.Unknown;
                changed = true;
            }
            return changed;
        }
    }

    /// <summary>Runs the delta analysis over the loop body; returns the state flowing along each back edge.</summary>
    private Dictionary<int, SymState> Deltas(Loop loop)
    {
        var inState = new Dictionary<int, SymState>();
        var visits = new Dictionary<int, int>();
        var latchOut = new Dictionary<int, SymState>();
        var work = new SortedSet<int>(Comparer<int>.Create((a, b) => cfg.Order[a] != cfg.Order[b] ? cfg.Order[a].CompareTo(cfg.Order[b]) : a.CompareTo(b)));
        inState[loop.Header] = new SymState();
        work.Add(loop.Header);
        int rounds = 0;
        while (work.Count > 0 && rounds++ < 200_000)
        {
            int pc = work.Min;
            work.Remove(pc);
            var st = inState[pc].Clone();
            Transfer(st, pc);
            foreach (int t in cfg.Successors[pc])
            {
                if (!loop.Body.Contains(t))
                    continue;
                if (t == loop.Header)
                {
                    if (loop.Latches.Contains(pc))
                    {
                        if (latchOut.TryGetValue(pc, out var prev))
                            prev.JoinWith(st, false);
                        else
                            latchOut[pc] = st.Clone();
                    }
                    continue;
                }
                if (!inState.TryGetValue(t, out var old))
                {
                    inState[t] = st.Clone();
                    work.Add(t);
                    continue;
                }
                int v = visits[t] = visits.GetValueOrDefault(t) + 1;
                if (old.JoinWith(st, widen: v > 4))
                    work.Add(t);
            }
        }
        return latchOut;
    }

    private void Transfer(SymState st, int pc)
    {
        var insn = program[pc];
        var sum = analyzer.Summaries[pc];
        RegisterValue Reg(int r) => sum is null ? RegisterValue.NotInit : sum[r];
        var kind = OpcodeTable.KindOf(insn.Opcode);
        bool is64 = OpcodeTable.Is64(insn.Opcode);
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        int dst = insn.Dst;
        switch (kind)
        {
            case InstructionKind.Mov:
                if (!x || dst == 10 || insn.Src == 10 || insn.Offset != 0)
                    st.Map[dst] = Sym.Unknown;
                else if (is64)
                    st.Map[dst] = st.Get(insn.Src);
                else
                    st.Map[dst] = Reg(insn.Src).Type == RegisterType.Scalar && Reg(insn.Src).Value.UMax <= uint.MaxValue ? st.Get(insn.Src) : Sym.Unknown;
                break;
            case InstructionKind.Alu:
            {
                int op = insn.Opcode & 0xf0;
                var cur = st.Get(dst);
                var dv = Reg(dst);
                // The step: a constant, or a number of known sign (r += len where 1 <= len <= 64).
                long lo, hi;
                if (!x)
                {
                    lo = hi = is64 ? insn.Immediate : (long)(uint)insn.Immediate;
                }
                else if (Reg(insn.Src) is { Type: RegisterType.Scalar } sv && (sv.Value.IsConst || sv.Value.SMin >= 1 || sv.Value.SMax <= -1) &&
                         (is64 || sv.Value.UMax <= int.MaxValue))
                {
                    lo = sv.Value.IsConst ? (long)sv.Value.ConstValue : sv.Value.SMin;
                    hi = sv.Value.IsConst ? (long)sv.Value.ConstValue : sv.Value.SMax;
                }
                else
                {
                    st.Map[dst] = Sym.Unknown;
                    break;
                }
                if (op is not (Opcodes.Add or Opcodes.Sub) || !cur.IsKnown || lo == long.MinValue || hi == long.MinValue)
                {
                    st.Map[dst] = Sym.Unknown;
                    break;
                }
                if (op == Opcodes.Sub)
                    (lo, hi) = (-hi, -lo);
                bool uOk, sOk;
                if (dv.Type == RegisterType.Scalar)
                {
                    var s = dv.Value;
                    if (is64)
                    {
                        uOk = lo >= 0 ? s.UMax <= ulong.MaxValue - (ulong)hi : hi <= 0 && s.UMin >= (ulong)(-lo);
                        sOk = (hi <= 0 || s.SMax <= long.MaxValue - hi) && (lo >= 0 || s.SMin >= long.MinValue - lo);
                    }
                    else
                    {
                        // w += c: the same as the 64-bit add when the value fits in 32 bits and the 32-bit add does not wrap.
                        bool fits = s.UMax <= uint.MaxValue && (lo >= 0 ? hi <= uint.MaxValue && s.U32Max <= uint.MaxValue - (ulong)hi
                            : hi <= 0 && -lo <= uint.MaxValue && s.U32Min >= (ulong)(-lo));
                        uOk = sOk = fits;
                    }
                }
                else if (dv.IsPointer && is64)
                {
                    uOk = sOk = true; // pointer offsets stay within ±2^29
                }
                else
                {
                    st.Map[dst] = Sym.Unknown;
                    break;
                }
                long nlo = cur.Lo + lo, nhi = cur.Hi + hi;
                bool overflow = lo > 0 && nlo < cur.Lo || lo < 0 && nlo > cur.Lo || hi > 0 && nhi < cur.Hi || hi < 0 && nhi > cur.Hi;
                st.Map[dst] = overflow ? Sym.Unknown
                    : cur with { Lo = nlo, Hi = nhi, UnsignedOk = cur.UnsignedOk && uOk, SignedOk = cur.SignedOk && sOk };
                break;
            }
            case InstructionKind.Neg:
            case InstructionKind.Endian:
            case InstructionKind.LoadImm64:
                st.Map[dst] = Sym.Unknown;
                break;
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            {
                int size = Opcodes.SizeInBytes(insn.Opcode);
                if (kind == InstructionKind.Load && StackOffset(insn.Src, insn.Offset, Reg) is { } off)
                    st.Map[dst] = st.GetStack(StackLoc(off, size));
                else
                    st.Map[dst] = Sym.Unknown;
                break;
            }
            case InstructionKind.Store:
            case InstructionKind.StoreImm:
            {
                int size = Opcodes.SizeInBytes(insn.Opcode);
                if (StackOffset(dst, insn.Offset, Reg) is { } off)
                {
                    KillOverlapping(st, off, size);
                    var v = kind == InstructionKind.Store ? st.Get(insn.Src) : Sym.Unknown;
                    if (kind == InstructionKind.Store && size < 8 && !(Reg(insn.Src).Type == RegisterType.Scalar && Reg(insn.Src).Value.UMax < (1UL << (8 * size))))
                        v = Sym.Unknown;
                    st.Map[StackLoc(off, size)] = v;
                }
                else if (Reg(dst).Type == RegisterType.Stack || !Reg(dst).IsInit)
                {
                    st.KillStack();
                }
                break;
            }
            case InstructionKind.Atomic:
                if (StackOffset(dst, insn.Offset, Reg) is { } aoff)
                    KillOverlapping(st, aoff, Opcodes.SizeInBytes(insn.Opcode));
                else if (Reg(dst).Type == RegisterType.Stack || !Reg(dst).IsInit)
                    st.KillStack();
                if (insn.Immediate == Opcodes.AtomicCmpXchg)
                    st.Map[0] = Sym.Unknown;
                else if ((insn.Immediate & Opcodes.AtomicFetch) != 0 || insn.Immediate == Opcodes.AtomicLoadAcquire)
                    st.Map[insn.Immediate == Opcodes.AtomicLoadAcquire ? dst : insn.Src] = Sym.Unknown;
                break;
            case InstructionKind.Call:
                for (int r = 1; r <= 5; r++)
                {
                    if (Reg(r).Type == RegisterType.Stack || insn.Src == (int)CallSource.Local && !Reg(r).IsInit)
                        st.KillStack();
                }
                if (insn.Src == (int)CallSource.Local)
                    st.KillStack(); // the callee may write the caller's stack through pointers it got earlier
                for (int r = 0; r <= 5; r++)
                    st.Map[r] = Sym.Unknown;
                break;
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
                for (int r = 0; r <= 5; r++)
                    st.Map[r] = Sym.Unknown;
                break;
        }
    }

    /// <summary>The frame-pointer offset a register + off addresses, when it is a constant offset into the current frame.</summary>
    private static int? StackOffset(int reg, int off, Func<int, RegisterValue> regValue)
    {
        if (reg == 10)
            return off;
        var v = regValue(reg);
        if (v.Type == RegisterType.Stack && !v.IsVariable)
            return v.Off + off;
        return null;
    }

    private static void KillOverlapping(SymState st, int off, int size)
    {
        foreach (var k in st.Map.Keys.Where(k => k >= StackLocBase).ToList())
        {
            var (o, s) = FromStackLoc(k);
            if (o < off + size && off < o + s)
                st.Map[k] = Sym.Unknown;
        }
        // Slots never written in the loop keep their identity unless this store overlaps them: record that they do not.
        for (int s = 1; s <= 8; s *= 2)
        {
            for (int o = (off - 8) & ~(s - 1); o < off + size; o += s)
            {
                if (o < off + size && off < o + s && o < 0)
                {
                    int loc = StackLoc(o, s);
                    if (!st.Map.ContainsKey(loc))
                        st.Map[loc] = Sym.Unknown;
                }
            }
        }
    }

    // ------------------------------------------------------------- ranking

    private (long? Bound, string? How, string? Why) Rank(Analyzer.LoopRecord rec)
    {
        var loop = rec.Loop;
        if (rec.Header is null || rec.Latch is null)
            return (null, null, "no state took the back edge, yet the loop was merged");
        var latchStates = Deltas(loop);
        if (latchStates.Count == 0)
            return (null, null, "the analysis of the loop body did not reach its back edges");
        var candidates = new HashSet<int>();
        foreach (var s in latchStates.Values)
        {
            foreach (var kv in s.Map)
            {
                if (kv.Key >= 0 && kv.Value.Base == kv.Key && (kv.Value.Lo >= 1 || kv.Value.Hi <= -1))
                    candidates.Add(kv.Key);
            }
        }
        long? best = null;
        string? how = null;
        string? why = null, whyWrap = null, whyUntracked = null;
        foreach (int loc in candidates.OrderBy(c => c))
        {
            long lo = long.MaxValue, hi = long.MinValue;
            bool uOk = true, sOk = true, consistent = true;
            foreach (var s in latchStates.Values)
            {
                var sym = s.Map.TryGetValue(loc, out var v) ? v : Sym.Identity(loc);
                if (sym.Base != loc)
                {
                    consistent = false;
                    break;
                }
                lo = Math.Min(lo, sym.Lo);
                hi = Math.Max(hi, sym.Hi);
                uOk &= sym.UnsignedOk;
                sOk &= sym.SignedOk;
            }
            if (!consistent || !(lo >= 1 || hi <= -1))
                continue;
            bool up = lo >= 1;
            long step = up ? lo : -hi;
            string name = LocName(loc);
            if (!uOk && !sOk)
            {
                whyWrap ??= $"{name} {(up ? "grows" : "shrinks")} by {step} per iteration, but it may wrap around";
                continue;
            }
            var head = ValueOf(rec.Header, loc);
            var latch = ValueOf(rec.Latch, loc);
            if (head is null || latch is null)
            {
                whyUntracked ??= $"{name} {(up ? "grows" : "shrinks")} by {step} per iteration, but its value at the loop head is not tracked";
                continue;
            }
            foreach (bool signed in new[] { false, true })
            {
                if (signed ? !sOk : !uOk)
                    continue;
                var (h, l) = (head.Value, latch.Value);
                UInt128 span;
                if (signed)
                {
                    Int128 d = up ? (Int128)l.SMaxV - h.SMinV : (Int128)h.SMaxV - l.SMinV;
                    span = d < 0 ? 0 : (UInt128)d;
                }
                else
                {
                    span = up ? (l.UMaxV >= h.UMinV ? (UInt128)(l.UMaxV - h.UMinV) : 0) : (h.UMaxV >= l.UMinV ? (UInt128)(h.UMaxV - l.UMinV) : 0);
                }
                UInt128 iters = span / (UInt128)step + 1;
                long n = iters > long.MaxValue ? long.MaxValue : (long)iters;
                if (best is null || n < best)
                {
                    best = n;
                    string from = signed ? (up ? h.SMinV : h.SMaxV).ToString(CultureInfo.InvariantCulture)
                        : (up ? h.UMinV : h.UMaxV).ToString(CultureInfo.InvariantCulture);
                    string to = signed ? (up ? l.SMaxV : l.SMinV).ToString(CultureInfo.InvariantCulture)
                        : (up ? l.UMaxV : l.UMinV).ToString(CultureInfo.InvariantCulture);
                    how = $"{name} {(up ? "grows" : "shrinks")} by {(step == 1 ? "1" : $"at least {step}")} per iteration from {from} {(up ? "up to" : "down to")} {to} at the back edge: at most {n} iterations";
                    if (n > options.MaxLoopIterations)
                        why = $"{name} {(up ? "grows" : "shrinks")} by {step} per iteration, but nothing bounds it more tightly than {to} at the back edge ({n} iterations, more than the limit of {options.MaxLoopIterations})";
                }
            }
        }
        why ??= whyWrap ?? whyUntracked;
        if (best is null && why is null)
            why = candidates.Count == 0
                ? "no register or stack slot changes by a fixed step on every iteration, so nothing shows the loop makes progress toward an exit"
                : "no counter of the loop has a consistent step";
        return (best, how, best is { } b && b <= options.MaxLoopIterations ? null : why);
    }

    /// <summary>A location's value in a summary: a scalar, or a pointer's offset.</summary>
    private static LocValue? ValueOf(FrameSummary sum, int loc)
    {
        RegisterValue v;
        if (loc < StackLocBase)
        {
            v = sum.Regs[loc];
        }
        else
        {
            var (off, size) = FromStackLoc(loc);
            if (sum.Stack.SpillAt(off) is not { } sp || sp.Size != size || off + 8 * ((-off - 1) / 8 + 1) != sp.Pos)
                return null;
            v = sp.Value;
        }
        if (v.Type == RegisterType.Scalar)
            return new LocValue(v.Value, 0);
        if (v.IsPointer && v.Type is not (RegisterType.MapPtr or RegisterType.Func or RegisterType.PacketEnd))
            return new LocValue(v.Value, v.Off);
        return null;
    }

    /// <summary>A value for the ranking: a scalar plus a fixed offset (for pointers).</summary>
    private readonly record struct LocValue(Scalar S, int Off)
    {
        public ulong UMinV => Off == 0 ? S.UMin : (ulong)(S.SMin + Off);
        public ulong UMaxV => Off == 0 ? S.UMax : (ulong)(S.SMax + Off);
        public long SMinV => S.SMin + Off;
        public long SMaxV => S.SMax + Off;
    }

    private VerifierError Unbounded(Analyzer.LoopRecord rec, long? bound, string why)
    {
        var loop = rec.Loop;
        var path = new List<PathStep>();
        int last = loop.Body.Max();
        int shown = 0;
        foreach (int pc in loop.Body.OrderBy(p => p))
        {
            if (!cfg.IsInstruction[pc])
                continue;
            if (shown++ >= 30)
            {
                path.Add(new PathStep(-1, "", "", false));
                break;
            }
            string note = pc == loop.Header ? $"loop head: {FormatHead(rec.Header)}" : loop.Latches.Contains(pc) ? "back edge to the loop head" : "";
            path.Add(new PathStep(pc, analyzer.InstructionText(pc), note, pc == loop.Header || loop.Latches.Contains(pc)));
        }
        string latches = string.Join(", ", loop.Latches.Select(l => $"pc {l}"));
        return new VerifierError
        {
            Id = VerifierDiagnosticIds.UnboundedLoop,
            Pc = loop.Header,
            Instruction = analyzer.InstructionText(loop.Header),
            Rule = $"every loop must be shown to end: within {options.MaxLoopIterations} iterations, through a counter compared against a bound",
            Message = $"the loop from pc {loop.Header} (back edge{(loop.Latches.Count > 1 ? "s" : "")} at {latches}) may not terminate: {why}",
            Hint = "give the loop a counter with a constant bound, e.g. `for (int i = 0; i < 64 && cond; i++)`; or use bpf_loop(), or may_goto (Linux 6.9+)",
            Path = path,
            PathElided = path.Any(p => p.Pc == -1) ? loop.Body.Count - 30 : 0,
            State = rec.Header is null ? "" : FormatHead(rec.Header),
        };
    }

    private string FormatHead(FrameSummary? sum)
    {
        if (sum is null)
            return "";
        var parts = new List<string>();
        for (int r = 0; r < 10; r++)
        {
            if (sum.Regs[r].IsInit)
                parts.Add($"r{r}={sum.Regs[r].Format(analyzer.MapName)}");
        }
        return string.Join(' ', parts);
    }
}
