using SharpBpf.Core;
using SharpBpf.Core.Formatting;
using SharpBpf.Verifier.Domains;

namespace SharpBpf.Verifier.Passes;

internal sealed partial class Analyzer
{
    private const int PathKeepTail = 12;
    private const int PathMaxLines = 40;

    /// <summary>The instruction in LLVM syntax, with helper and function names.</summary>
    internal string InstructionText(int pc)
    {
        string text = LlvmFormatter.Instance.Format(_program, pc);
        var insn = _program[pc];
        if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.Call)
        {
            if (insn.Src == (int)CallSource.Helper && HelperIds.NameOf(insn.Immediate) is { } name)
                return $"{text} ({name})";
            if (insn.Src == (int)CallSource.Local && _opt.FunctionNames?.GetValueOrDefault(ControlFlowGraph.Target(_program, pc)) is { } fn)
                return $"{text} ({fn})";
        }
        if (insn.IsWide && insn.Src is (int)LoadImm64Source.MapIdx or (int)LoadImm64Source.MapIdxValue or (int)LoadImm64Source.MapFd or (int)LoadImm64Source.MapValue)
        {
            int m = MapIndex(insn);
            if (m >= 0 && m < _maps.Count)
            {
                bool value = insn.Src is (int)LoadImm64Source.MapValue or (int)LoadImm64Source.MapIdxValue;
                int off = _program[pc + 1].Immediate;
                return $"r{insn.Dst} = {(value ? "&" : "")}{_maps[m].Name}{(value && off != 0 ? $"+{off}" : "")} ll";
            }
        }
        return text;
    }

    /// <summary>
    /// Turns a violation into an explained error: the path from the entry (replayed through the
    /// stored snapshots, so each state shown is the one the analysis used), the instructions on it
    /// that produced the values involved (a backward slice), and the state at the failure.
    /// </summary>
    private VerifierError Explain(AbstractState st, int pc, AbstractState origin, Violation v)
    {
        var chain = new List<AbstractState>();
        for (var s = origin; s is not null; s = s.Parent)
            chain.Add(s);
        chain.Reverse();
        var steps = new List<(int Pc, string Note)>();
        bool merged = false;
        var successors = new List<Successor>();
        _replaying = true;
        try
        {
            for (int k = 0; k < chain.Count; k++)
            {
                merged |= chain[k].Merged > 0;
                var cur = chain[k].Clone();
                int p = chain[k].Pc;
                int end = k + 1 < chain.Count ? chain[k + 1].EdgeFrom : pc;
                for (int guard = 0; guard < 100_000; guard++)
                {
                    if (p == end && k + 1 == chain.Count)
                        break;
                    successors.Clear();
                    int next = Step(cur, p, successors, out var bad);
                    if (p == end)
                    {
                        steps.Add((p, EdgeNote(p, chain[k + 1], cur, successors)));
                        break;
                    }
                    steps.Add((p, bad is null ? StepNote(p, cur) : ""));
                    if (next < 0 || bad is not null)
                        break;
                    p = next;
                }
            }
        }
        finally
        {
            _replaying = false;
        }
        steps.Add((pc, ""));

        // Backward slice: which instructions on the path made the values the error is about.
        var relevant = new bool[steps.Count];
        int wanted = 0;
        foreach (int r in v.Registers)
            wanted |= 1 << r;
        for (int i = steps.Count - 2; i >= 0 && wanted != 0; i--)
        {
            var (p, _) = steps[i];
            Slice(p, ref wanted, out bool hit);
            relevant[i] = hit;
        }
        relevant[^1] = true;

        // Keep the head, the relevant steps and the tail; elide the rest.
        var keep = new bool[steps.Count];
        for (int i = 0; i < steps.Count; i++)
            keep[i] = i < 2 || i >= steps.Count - PathKeepTail || relevant[i];
        // Loops repeat instructions: keep the first and the last two visits of each.
        var seen = new Dictionary<int, int>();
        var total = new Dictionary<int, int>();
        foreach (var (p, _) in steps)
            total[p] = total.GetValueOrDefault(p) + 1;
        for (int i = 0; i < steps.Count - 1; i++)
        {
            int p = steps[i].Pc;
            int n = seen[p] = seen.GetValueOrDefault(p) + 1;
            if (n > 1 && n <= total[p] - 2)
                keep[i] = false;
        }
        int kept = keep.Count(k => k);
        if (kept > PathMaxLines)
        {
            // Too many relevant steps: keep the latest ones.
            int budget = PathMaxLines;
            for (int i = steps.Count - 1; i >= 0; i--)
            {
                if (keep[i] && budget-- <= 0)
                    keep[i] = false;
            }
        }
        var path = new List<PathStep>();
        int elided = 0;
        bool gap = false;
        for (int i = 0; i < steps.Count; i++)
        {
            if (!keep[i])
            {
                elided++;
                gap = true;
                continue;
            }
            if (gap)
            {
                path.Add(new PathStep(-1, "", "", false));
                gap = false;
            }
            path.Add(new PathStep(steps[i].Pc, InstructionText(steps[i].Pc), steps[i].Note, relevant[i] && i < steps.Count - 1));
        }
        string message = v.Message + (merged ? " (on a path where states from several paths were merged or a loop was widened: the values shown cover all of them)" : "");
        return new VerifierError
        {
            Id = v.Id,
            Pc = pc,
            Instruction = InstructionText(pc),
            Rule = v.Rule,
            Message = message,
            Hint = v.Hint,
            Path = path,
            PathElided = elided,
            State = st.Format(MapName),
            Source = _opt.SourceLines?.GetValueOrDefault(pc),
        };
    }

    /// <summary>What an instruction did, for the path: the register it wrote and its new value.</summary>
    private string StepNote(int pc, AbstractState after)
    {
        var insn = _program[pc];
        var regs = after.Regs;
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
            case InstructionKind.Neg:
            case InstructionKind.Mov:
            case InstructionKind.Endian:
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            case InstructionKind.LoadImm64:
                return $"r{insn.Dst} = {regs[insn.Dst].Format(MapName)}";
            case InstructionKind.Call when insn.Src != (int)CallSource.Local:
                return regs[0].IsInit ? $"r0 = {regs[0].Format(MapName)}" : "";
            case InstructionKind.Atomic when insn.Immediate == Opcodes.AtomicLoadAcquire:
                return $"r{insn.Dst} = {regs[insn.Dst].Format(MapName)}";
            case InstructionKind.Store:
            case InstructionKind.StoreImm:
            {
                var p = regs[insn.Dst];
                if (p.Type == RegisterType.Stack && !p.IsVariable)
                {
                    int off = p.Off + insn.Offset;
                    var s = after.Frames[p.Frame].Stack.SpillAt(off);
                    if (s is { } sp && sp.Size == Opcodes.SizeInBytes(insn.Opcode))
                        return $"fp{off} = {sp.Value.Format(MapName)}";
                    var stack = after.Frames[p.Frame].Stack;
                    bool zero = true;
                    for (int o = off; o < off + Opcodes.SizeInBytes(insn.Opcode); o++)
                        zero &= stack.ByteAt(o) == StackByte.Zero;
                    return zero ? $"fp{off} = 0" : $"fp{off} written";
                }
                return "";
            }
            default:
                return "";
        }
    }

    /// <summary>The note of the instruction that ended a block: which way the branch went (with what it learnt), the call or return.</summary>
    private string EdgeNote(int pc, AbstractState next, AbstractState fallThrough, List<Successor> successors)
    {
        var insn = _program[pc];
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Jump:
            {
                int target = ControlFlowGraph.Target(_program, pc);
                bool taken = next.Pc == target && target != pc + 1;
                var state = taken ? successors.FirstOrDefault(s => s.Pc == target).State ?? fallThrough : fallThrough;
                var parts = new List<string> { taken ? "taken" : "not taken" };
                var a = state.Regs[insn.Dst];
                if (a.IsInit && !a.Value.IsConst || a.IsPointer)
                    parts.Add($"r{insn.Dst} = {a.Format(MapName)}");
                if (OpcodeTable.UsesSrcRegister(insn.Opcode) && state.Regs[insn.Src] is { IsInit: true } b && (b.IsPointer || !b.Value.IsConst))
                    parts.Add($"r{insn.Src} = {b.Format(MapName)}");
                return parts.Count == 1 ? parts[0] : $"{parts[0]}: {string.Join(", ", parts.Skip(1))}";
            }
            case InstructionKind.MayGoto:
                return next.Pc == pc + 1 ? "loop budget left" : "loop budget spent";
            case InstructionKind.Call when insn.Src == (int)CallSource.Local && next.Pc == pc + 1:
                return $"returns r0 = {next.Regs[0].Format(MapName)} (an earlier call with these arguments was verified)";
            case InstructionKind.Call when insn.Src == (int)CallSource.Local:
                return $"enter function at pc {next.Pc}";
            case InstructionKind.Call:
                return fallThrough.Regs[0].IsInit ? $"r0 = {fallThrough.Regs[0].Format(MapName)}" : "";
            case InstructionKind.Exit:
                return $"return to pc {next.Pc}: r0 = {next.Regs[0].Format(MapName)}";
            default:
                return StepNote(pc, fallThrough);
        }
    }

    /// <summary>One backward step of the slice: if the instruction writes a wanted register, it matters and its inputs are wanted.</summary>
    private void Slice(int pc, ref int wanted, out bool hit)
    {
        var insn = _program[pc];
        int d = 1 << insn.Dst, s = insn.Src <= 10 ? 1 << insn.Src : 0;
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        int defs = 0, uses = 0;
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
                defs = d;
                uses = d | (x ? s : 0);
                break;
            case InstructionKind.Mov:
                defs = d;
                uses = x ? s : 0;
                break;
            case InstructionKind.Neg:
            case InstructionKind.Endian:
                defs = uses = d;
                break;
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
                defs = d;
                uses = s;
                break;
            case InstructionKind.LoadImm64:
                defs = d;
                break;
            case InstructionKind.Call:
                defs = 0x3f;
                break;
            case InstructionKind.Jump:
                uses = d | (x ? s : 0);
                hit = (uses & wanted) != 0;
                return;
        }
        hit = (defs & wanted) != 0;
        if (hit)
            wanted = (wanted & ~defs) | uses;
    }
}
