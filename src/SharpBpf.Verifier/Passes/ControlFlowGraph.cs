using SharpBpf.Core;

namespace SharpBpf.Verifier.Passes;

/// <summary>A function of the program: the entry and the bpf-to-bpf functions calls and callbacks reach.</summary>
/// <param name="Index">Its number (0 is the entry).</param>
/// <param name="Start">First instruction.</param>
/// <param name="End">One past the last instruction.</param>
public sealed record Subprogram(int Index, int Start, int End)
{
    /// <summary>Sub-programs this one calls (bpf-to-bpf) or hands to a helper as a callback.</summary>
    public List<int> Callees { get; } = [];

    /// <summary>Whether some instruction takes its address (lddw BPF_PSEUDO_FUNC): a callback.</summary>
    public bool IsCallback { get; set; }
}

/// <summary>A natural loop: a header, the back edges into it, and the instructions of its body.</summary>
/// <param name="Header">The loop head (the target of the back edges).</param>
/// <param name="Latches">The instructions whose edges go back to the header.</param>
/// <param name="Body">Every instruction of the loop, header included.</param>
public sealed record Loop(int Header, IReadOnlyList<int> Latches, IReadOnlySet<int> Body);

/// <summary>
/// The second pass: basic structure of the program (the kernel's check_subprogs and check_cfg):
/// functions, successors of each instruction, the places states are stored (block leaders),
/// loops with their heads (widening points) and back edges. Rejects what the kernel's CFG check
/// rejects: jumps out of a function, code that falls off a function's end, unreachable
/// instructions, recursion, and callx.
/// </summary>
public sealed class ControlFlowGraph
{
    private readonly Instruction[] _program;

    /// <summary>The program.</summary>
    public ReadOnlySpan<Instruction> Program => _program;

    /// <summary>The number of slots.</summary>
    public int Length => _program.Length;

    /// <summary>False for the second slot of lddw.</summary>
    public bool[] IsInstruction { get; }

    /// <summary>The functions, by start.</summary>
    public IReadOnlyList<Subprogram> Subprograms { get; }

    /// <summary>Which function each slot belongs to.</summary>
    public int[] SubprogramOf { get; }

    /// <summary>Successors within the function (a call's successor is its return site).</summary>
    public int[][] Successors { get; }

    /// <summary>Predecessors within the function.</summary>
    public List<int>[] Predecessors { get; }

    /// <summary>Instructions where states are stored and compared: block leaders.</summary>
    public bool[] IsLeader { get; }

    /// <summary>Loop heads: targets of back edges, where states are widened.</summary>
    public bool[] IsLoopHead { get; }

    /// <summary>The loops, innermost last for each header.</summary>
    public IReadOnlyList<Loop> Loops { get; }

    /// <summary>Whether an instruction lies in some loop.</summary>
    public bool[] InLoop { get; }

    /// <summary>Reverse post-order number of each instruction over the whole program (calls enter callees), for the worklist.</summary>
    public int[] Order { get; }

    /// <summary>Back edges found by the depth-first search: (from, to).</summary>
    public IReadOnlyList<(int From, int To)> BackEdges { get; }

    private ControlFlowGraph(Instruction[] program, bool[] isInsn, List<Subprogram> subs, int[] subOf, int[][] succ,
        List<int>[] pred, bool[] leader, bool[] loopHead, List<Loop> loops, bool[] inLoop, int[] order, List<(int, int)> back)
    {
        _program = program;
        IsInstruction = isInsn;
        Subprograms = subs;
        SubprogramOf = subOf;
        Successors = succ;
        Predecessors = pred;
        IsLeader = leader;
        IsLoopHead = loopHead;
        Loops = loops;
        InLoop = inLoop;
        Order = order;
        BackEdges = back;
    }

    /// <summary>The target of a local call, a jump or a lddw of a function at <paramref name="pc"/>.</summary>
    public static int Target(ReadOnlySpan<Instruction> program, int pc) =>
        InstructionValidator.TryGetTarget(program, pc, out long t) ? (int)t : -1;

    /// <summary>The subprogram starting at <paramref name="pc"/>, or null.</summary>
    public Subprogram? SubprogramAt(int pc)
    {
        var s = Subprograms[SubprogramOf[pc]];
        return s.Start == pc ? s : null;
    }

    /// <summary>Builds the graph of a validated program; on failure <paramref name="error"/> says what and where.</summary>
    public static ControlFlowGraph? Build(Instruction[] program, out (int Pc, string Id, string Message, string? Hint)? error)
    {
        error = null;
        int n = program.Length;
        var isInsn = new bool[n];
        for (int pc = 0; pc < n; pc++)
        {
            isInsn[pc] = true;
            if (program[pc].IsWide)
                pc++;
        }

        // Functions: the entry, call targets and callback addresses (check_subprogs).
        var starts = new SortedSet<int> { 0 };
        var callbackStarts = new HashSet<int>();
        for (int pc = 0; pc < n; pc++)
        {
            if (!isInsn[pc])
                continue;
            var insn = program[pc];
            var kind = OpcodeTable.KindOf(insn.Opcode);
            if (kind == InstructionKind.CallX)
            {
                error = (pc, VerifierDiagnosticIds.UnsupportedInstruction,
                    "callx (a call through a register) is not an instruction the Linux verifier accepts",
                    "call helpers by their id: `call bpf_ktime_get_ns`, not through a register");
                return null;
            }
            if (kind == InstructionKind.Call && insn.Src == (int)CallSource.Local || kind == InstructionKind.LoadImm64 && insn.Src == (int)LoadImm64Source.Func)
            {
                int t = Target(program, pc);
                starts.Add(t);
                if (kind == InstructionKind.LoadImm64)
                    callbackStarts.Add(t);
            }
        }
        var subs = new List<Subprogram>();
        var subOf = new int[n];
        var startList = starts.ToList();
        for (int i = 0; i < startList.Count; i++)
        {
            int end = i + 1 < startList.Count ? startList[i + 1] : n;
            var s = new Subprogram(i, startList[i], end) { IsCallback = callbackStarts.Contains(startList[i]) };
            subs.Add(s);
            for (int pc = s.Start; pc < end; pc++)
                subOf[pc] = i;
        }

        var succ = new int[n][];
        var pred = new List<int>[n];
        for (int pc = 0; pc < n; pc++)
            pred[pc] = [];
        var leader = new bool[n];
        foreach (var s in subs)
            leader[s.Start] = true;
        for (int pc = 0; pc < n; pc++)
        {
            if (!isInsn[pc])
            {
                succ[pc] = [];
                continue;
            }
            var insn = program[pc];
            var kind = OpcodeTable.KindOf(insn.Opcode);
            int next = pc + (insn.IsWide ? 2 : 1);
            var sub = subs[subOf[pc]];
            int[] targets;
            switch (kind)
            {
                case InstructionKind.Exit:
                    targets = [];
                    break;
                case InstructionKind.Ja:
                case InstructionKind.Gotol:
                    targets = [Target(program, pc)];
                    break;
                case InstructionKind.Jump:
                case InstructionKind.MayGoto:
                    targets = [next, Target(program, pc)];
                    leader[next < n ? next : pc] = true;
                    break;
                case InstructionKind.Call:
                    targets = [next];
                    if (next < n)
                        leader[next] = true;
                    if (insn.Src == (int)CallSource.Local)
                        sub.Callees.Add(subOf[Target(program, pc)]);
                    break;
                default:
                    targets = [next];
                    break;
            }
            if (kind == InstructionKind.LoadImm64 && insn.Src == (int)LoadImm64Source.Func)
                sub.Callees.Add(subOf[Target(program, pc)]);
            foreach (int t in targets)
            {
                if (t >= sub.End || t < sub.Start)
                {
                    if (t == next && kind is not (InstructionKind.Ja or InstructionKind.Gotol))
                    {
                        error = (pc, VerifierDiagnosticIds.FallsOffEnd,
                            sub.Index == 0 && sub.End == n
                                ? "the program can run past its last instruction (the last instruction is not exit or a jump)"
                                : $"execution falls from the end of function at pc {sub.Start} into the next function at pc {sub.End}",
                            "end every path with `exit` (or a jump back into the function)");
                    }
                    else
                    {
                        error = (pc, VerifierDiagnosticIds.JumpOutOfRange,
                            $"jump from pc {pc} to pc {t} leaves its function (pc {sub.Start}..{sub.End - 1})",
                            "jumps stay inside a function; use a bpf-to-bpf call to enter another");
                    }
                    return null;
                }
                if (kind is InstructionKind.Jump or InstructionKind.Ja or InstructionKind.Gotol or InstructionKind.MayGoto)
                    leader[t] = true;
                pred[t].Add(pc);
            }
            succ[pc] = targets;
        }

        // Unreachable code and back edges, by a depth-first search of each function (check_cfg).
        var state = new byte[n]; // 0 unseen, 1 on stack, 2 done
        var back = new List<(int, int)>();
        foreach (var s in subs)
        {
            var stack = new Stack<(int Pc, int Next)>();
            stack.Push((s.Start, 0));
            state[s.Start] = 1;
            while (stack.Count > 0)
            {
                var (pc, i) = stack.Pop();
                if (i < succ[pc].Length)
                {
                    stack.Push((pc, i + 1));
                    int t = succ[pc][i];
                    if (state[t] == 0)
                    {
                        state[t] = 1;
                        stack.Push((t, 0));
                    }
                    else if (state[t] == 1)
                    {
                        back.Add((pc, t));
                    }
                }
                else
                {
                    state[pc] = 2;
                }
            }
            for (int pc = s.Start; pc < s.End; pc++)
            {
                if (isInsn[pc] && state[pc] == 0)
                {
                    error = (pc, VerifierDiagnosticIds.Unreachable, $"instruction {pc} can never run (no path from the start of its function reaches it)",
                        "remove dead code; the kernel rejects programs with unreachable instructions");
                    return null;
                }
            }
        }

        // Recursion: a cycle in the call graph.
        var color = new byte[subs.Count];
        bool Recurses(int f, List<int> chain)
        {
            color[f] = 1;
            chain.Add(f);
            foreach (int c in subs[f].Callees)
            {
                if (color[c] == 1)
                {
                    chain.Add(c);
                    return true;
                }
                if (color[c] == 0 && Recurses(c, chain))
                    return true;
            }
            chain.RemoveAt(chain.Count - 1);
            color[f] = 2;
            return false;
        }
        for (int f = 0; f < subs.Count; f++)
        {
            var chain = new List<int>();
            if (color[f] == 0 && Recurses(f, chain))
            {
                string path = string.Join(" -> ", chain.Select(c => $"pc {subs[c].Start}"));
                error = (subs[chain[^2]].Start, VerifierDiagnosticIds.Recursion, $"recursive call: {path}",
                    "BPF functions cannot call themselves, directly or through others; turn the recursion into a bounded loop");
                return null;
            }
        }

        var loopHead = new bool[n];
        foreach (var (_, to) in back)
            loopHead[to] = true;
        var loops = FindLoops(subs, succ, pred, back, isInsn);
        var inLoop = new bool[n];
        foreach (var l in loops)
            foreach (int pc in l.Body)
                inLoop[pc] = true;

        return new ControlFlowGraph(program, isInsn, subs, subOf, succ, pred, leader, loopHead, loops, inLoop,
            ReversePostOrder(program, subs, succ, isInsn), back);
    }

    private static List<Loop> FindLoops(List<Subprogram> subs, int[][] succ, List<int>[] pred, List<(int From, int To)> back, bool[] isInsn)
    {
        var loops = new List<Loop>();
        foreach (var group in back.GroupBy(b => b.To).OrderBy(g => g.Key))
        {
            int h = group.Key;
            var body = new HashSet<int> { h };
            var work = new Stack<int>();
            foreach (var (from, _) in group)
            {
                if (body.Add(from))
                    work.Push(from);
            }
            // The natural loop: everything that reaches a latch without passing the header. In an
            // irreducible graph this may include nodes the header does not dominate; the body is
            // then larger than the loop, which only makes the termination argument more careful.
            var sub = subs.First(s => h >= s.Start && h < s.End);
            while (work.Count > 0)
            {
                int x = work.Pop();
                foreach (int p in pred[x])
                {
                    if (p >= sub.Start && p < sub.End && body.Add(p))
                        work.Push(p);
                }
            }
            // Keep only what the header reaches (the rest reaches a latch from outside: an irreducible entry).
            var reach = new HashSet<int> { h };
            var w2 = new Stack<int>();
            w2.Push(h);
            while (w2.Count > 0)
            {
                int x = w2.Pop();
                foreach (int t in succ[x])
                {
                    if (body.Contains(t) && reach.Add(t))
                        w2.Push(t);
                }
            }
            loops.Add(new Loop(h, group.Select(g => g.From).Distinct().OrderBy(x => x).ToList(), reach));
        }
        return loops;
    }

    private static int[] ReversePostOrder(Instruction[] program, List<Subprogram> subs, int[][] succ, bool[] isInsn)
    {
        int n = program.Length;
        var post = new List<int>(n);
        var seen = new bool[n];
        // Iterative DFS over the whole program; a local call also leads into its callee.
        IEnumerable<int> Next(int pc)
        {
            var insn = program[pc];
            if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.Call && insn.Src == (int)CallSource.Local ||
                insn.IsWide && insn.Src == (int)LoadImm64Source.Func)
                yield return Target(program, pc);
            foreach (int t in succ[pc])
                yield return t;
        }
        var stack = new Stack<(int Pc, IEnumerator<int> It)>();
        void Visit(int root)
        {
            if (seen[root])
                return;
            seen[root] = true;
            stack.Push((root, Next(root).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (pc, it) = stack.Peek();
                if (it.MoveNext())
                {
                    int t = it.Current;
                    if (!seen[t])
                    {
                        seen[t] = true;
                        stack.Push((t, Next(t).GetEnumerator()));
                    }
                }
                else
                {
                    stack.Pop();
                    post.Add(pc);
                }
            }
        }
        foreach (var s in subs)
            Visit(s.Start);
        var order = new int[n];
        for (int i = 0; i < post.Count; i++)
            order[post[i]] = post.Count - 1 - i;
        return order;
    }
}
