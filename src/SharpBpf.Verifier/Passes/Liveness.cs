using SharpBpf.Core;
using SharpBpf.Verifier.Programs;

namespace SharpBpf.Verifier.Passes;

/// <summary>
/// Which registers are read later (live) at each instruction: a backward dataflow over the CFG,
/// across bpf-to-bpf calls through each callee's live-in arguments. States are compared and
/// merged on live registers only (the kernel's liveness marks do the same for pruning): a dead
/// register can differ without making two states different.
/// </summary>
public sealed class Liveness
{
    /// <summary>Bit r of LiveIn[pc]: register r is read on some path from pc before being written.</summary>
    public ushort[] LiveIn { get; }

    private Liveness(ushort[] liveIn) => LiveIn = liveIn;

    /// <summary>Registers of the caller that survive a call returning to <paramref name="returnPc"/>: r6-r9 that are live there.</summary>
    public ushort LiveAcrossCall(int returnPc) => (ushort)(returnPc < LiveIn.Length ? LiveIn[returnPc] & 0x3c0 : 0);

    /// <summary>Computes liveness for a graph.</summary>
    public static Liveness Compute(ControlFlowGraph cfg)
    {
        var program = cfg.Program;
        int n = cfg.Length;
        var use = new ushort[n];
        var def = new ushort[n];
        var calleeOf = new int[n];
        for (int pc = 0; pc < n; pc++)
        {
            calleeOf[pc] = -1;
            if (!cfg.IsInstruction[pc])
                continue;
            UseDef(program, pc, out use[pc], out def[pc], out calleeOf[pc]);
        }
        var liveIn = new ushort[n];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pc = n - 1; pc >= 0; pc--)
            {
                if (!cfg.IsInstruction[pc])
                    continue;
                int outSet = 0;
                foreach (int s in cfg.Successors[pc])
                    outSet |= liveIn[s];
                int u = use[pc];
                if (calleeOf[pc] >= 0)
                    u |= liveIn[calleeOf[pc]] & 0x3e; // the callee's live arguments r1-r5
                var inSet = (ushort)(u | (outSet & ~def[pc]));
                if (inSet != liveIn[pc])
                {
                    liveIn[pc] = inSet;
                    changed = true;
                }
            }
        }
        return new Liveness(liveIn);
    }

    private static void UseDef(ReadOnlySpan<Instruction> program, int pc, out ushort use, out ushort def, out int callee)
    {
        var insn = program[pc];
        callee = -1;
        int d = 1 << insn.Dst, s = insn.Src <= 9 ? 1 << insn.Src : 0;
        if (insn.Dst == 10) d = 0;
        int u = 0, w = 0;
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
                u = d | (x ? s : 0);
                w = d;
                break;
            case InstructionKind.Mov:
                u = x ? s : 0;
                w = d;
                break;
            case InstructionKind.Neg:
            case InstructionKind.Endian:
                u = d;
                w = d;
                break;
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
                u = s;
                w = d;
                break;
            case InstructionKind.Store:
                u = d | s;
                break;
            case InstructionKind.StoreImm:
                u = d;
                break;
            case InstructionKind.Atomic:
                switch (insn.Immediate)
                {
                    case Opcodes.AtomicLoadAcquire:
                        u = s;
                        w = d;
                        break;
                    case Opcodes.AtomicStoreRelease:
                        u = d | s;
                        break;
                    case Opcodes.AtomicCmpXchg:
                        u = d | s | 1;
                        w = 1;
                        break;
                    default:
                        u = d | s;
                        if ((insn.Immediate & Opcodes.AtomicFetch) != 0)
                            w = s;
                        break;
                }
                break;
            case InstructionKind.LoadImm64:
                w = d;
                break;
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
                u = 1 << 6 | (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.LoadInd ? s : 0);
                w = 0x3f;
                break;
            case InstructionKind.Jump:
                u = d | (x ? s : 0);
                break;
            case InstructionKind.Call:
                if (insn.Src == (int)CallSource.Local)
                {
                    callee = ControlFlowGraph.Target(program, pc);
                }
                else
                {
                    var proto = insn.Src == (int)CallSource.Helper ? HelperPrototypes.Find(insn.Immediate) : null;
                    int args = proto?.Args.Length ?? 5;
                    for (int a = 1; a <= args; a++)
                        u |= 1 << a;
                }
                w = 0x3f;
                break;
            case InstructionKind.Exit:
                u = 1;
                break;
        }
        use = (ushort)u;
        def = (ushort)w;
    }
}
