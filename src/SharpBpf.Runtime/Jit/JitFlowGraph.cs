using SharpBpf.Core;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// A validated program as the compiler walks it: instructions by index (lddw once, as the
/// interpreter counts them), branch targets as indices, and what the access analysis
/// (<c>JitFlowGraph.Access.cs</c>) decided for each load and store.
/// </summary>
internal sealed partial class JitFlowGraph
{
    private const ushort AllRegisters = 0x3ff;

    private JitFlowGraph(Instruction[] slots, int count, int[] slotOf, int[] target)
    {
        Slots = slots;
        Count = count;
        SlotOf = slotOf;
        Target = target;
        IsTarget = new bool[count + 1];
        IsCallTarget = new bool[count + 1];
        Cached = new bool[count];
        Checks = new SlotCheck[count];
        StoresSlot = new bool[count];
    }

    /// <summary>The program's slots.</summary>
    public Instruction[] Slots { get; }

    /// <summary>Instructions (lddw counts once).</summary>
    public int Count { get; }

    /// <summary>Index -> slot; [Count] is the slot past the end.</summary>
    public int[] SlotOf { get; }

    /// <summary>Index -> branch, gotol, may_goto or local call target index; -1 for none.</summary>
    public int[] Target { get; }

    /// <summary>Indices some branch or call lands on.</summary>
    public bool[] IsTarget { get; }

    /// <summary>Indices a local call enters.</summary>
    public bool[] IsCallTarget { get; }

    /// <summary>Accesses that use their base register's cache slot instead of the region table.</summary>
    public bool[] Cached { get; }

    /// <summary>For cached accesses: which comparisons against the slot they still need.</summary>
    public SlotCheck[] Checks { get; }

    /// <summary>Table-checked accesses that fill their base register's cache slot for later accesses.</summary>
    public bool[] StoresSlot { get; }

    /// <summary>Per register r0-r9: the slot fields some cached access compares against.</summary>
    public SlotFields[] FieldsUsed { get; } = new SlotFields[10];

    /// <summary>Whether any taken branch goes backwards (a loop) or anything calls.</summary>
    public bool HasLoopsOrCalls { get; private set; }

    /// <summary>Whether the program has may_goto (its per-run allowance lives in the header).</summary>
    public bool UsesMayGoto { get; private set; }

    /// <summary>Whether the program makes bpf-to-bpf calls.</summary>
    public bool HasLocalCalls { get; private set; }

    /// <summary>Registers r0-r10 the program names anywhere (r0-r5 for every call, which uses or clobbers them).</summary>
    public ushort RegistersNamed { get; private set; }

    public Instruction this[int index] => Slots[SlotOf[index]];

    private ProvenRegion[]? _regions;

    /// <summary>The region a proven access at an index goes to (Any when not known).</summary>
    public ProvenRegion ProvenRegionOf(int index) =>
        _regions is { } r && SlotOf[index] < r.Length ? r[SlotOf[index]] : ProvenRegion.Any;

    /// <summary>Builds the graph of a program the interpreter's predecoder accepted.</summary>
    public static JitFlowGraph Build(ReadOnlySpan<Instruction> program, ReadOnlySpan<bool> proven, ProvenRegion[]? regions = null)
    {
        var slots = program.ToArray();
        var indexOf = new int[slots.Length + 1];
        int count = 0;
        for (int pc = 0; pc < slots.Length; pc++)
        {
            indexOf[pc] = count++;
            if (slots[pc].IsWide)
                indexOf[++pc] = -1;
        }
        indexOf[slots.Length] = count;
        var slotOf = new int[count + 1];
        var target = new int[count];
        for (int pc = 0; pc < slots.Length; pc++)
        {
            int i = indexOf[pc];
            slotOf[i] = pc;
            var insn = slots[pc];
            target[i] = -1;
            var kind = OpcodeTable.KindOf(insn.Opcode);
            bool branches = kind is InstructionKind.Jump or InstructionKind.Ja or InstructionKind.Gotol or InstructionKind.MayGoto
                || (kind == InstructionKind.Call && insn.Src == (int)CallSource.Local);
            if (branches && InstructionValidator.TryGetTarget(slots, pc, out long t))
                target[i] = indexOf[t];
            if (insn.IsWide)
                pc++;
        }
        slotOf[count] = slots.Length;
        var g = new JitFlowGraph(slots, count, slotOf, target) { _regions = regions };
        for (int i = 0; i < count; i++)
        {
            var insn = g[i];
            g.RegistersNamed |= (ushort)((1 << insn.Dst) | (1 << insn.Src));
            if (OpcodeTable.KindOf(insn.Opcode) is InstructionKind.Call or InstructionKind.CallX or InstructionKind.LoadAbs or InstructionKind.LoadInd
                or InstructionKind.Atomic)
                g.RegistersNamed |= 0x3f;
            if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.MayGoto)
                g.UsesMayGoto = true;
            if (target[i] < 0)
                continue;
            g.IsTarget[target[i]] = true;
            var k = OpcodeTable.KindOf(g[i].Opcode);
            if (k == InstructionKind.Call)
            {
                g.IsCallTarget[target[i]] = true;
                g.HasLocalCalls = true;
            }
            if (k == InstructionKind.Call || target[i] <= i)
                g.HasLoopsOrCalls = true;
        }
        g.AnalyzeAccesses(proven);
        return g;
    }

    /// <summary>
    /// The base register of a plain load or store that may use the cache, or -1 (r10 accesses
    /// are checked statically; atomics, packet loads and verifier-proven accesses do not take part).
    /// </summary>
    public int CacheableBase(int index, ReadOnlySpan<bool> proven)
    {
        var insn = this[index];
        if (!proven.IsEmpty && SlotOf[index] < proven.Length && proven[SlotOf[index]])
            return -1;
        int b = OpcodeTable.KindOf(insn.Opcode) switch
        {
            InstructionKind.Load or InstructionKind.LoadSx => insn.Src,
            InstructionKind.Store or InstructionKind.StoreImm => insn.Dst,
            _ => -1,
        };
        return b == 10 ? -1 : b;
    }

    /// <summary>Registers r0-r9 an instruction writes (all for calls: helpers may remap regions).</summary>
    public ushort Kills(int index)
    {
        var insn = this[index];
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
            case InstructionKind.Neg:
            case InstructionKind.Mov:
            case InstructionKind.Endian:
            case InstructionKind.LoadImm64:
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
                return (ushort)(1 << insn.Dst);
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
                return 1;
            case InstructionKind.Atomic:
                if (insn.Immediate == Opcodes.AtomicLoadAcquire)
                    return (ushort)(1 << insn.Dst);
                if (insn.Immediate == Opcodes.AtomicCmpXchg)
                    return 1;
                return (insn.Immediate & Opcodes.AtomicFetch) != 0 && insn.Immediate != Opcodes.AtomicStoreRelease
                    ? (ushort)((1 << insn.Src) & AllRegisters) : (ushort)0;
            case InstructionKind.Call:
            case InstructionKind.CallX:
                return AllRegisters;
            default:
                return 0;
        }
    }

    /// <summary>Whether control can continue at index + 1.</summary>
    public bool FallsThrough(int index) =>
        OpcodeTable.KindOf(this[index].Opcode) is not (InstructionKind.Exit or InstructionKind.Ja or InstructionKind.Gotol);

    /// <summary>The branch target that is a successor in this function (not a local call's callee), or -1.</summary>
    public int JumpTarget(int index) =>
        OpcodeTable.KindOf(this[index].Opcode) == InstructionKind.Call ? -1 : Target[index];
}
