using SharpBpf.Core;
using SharpBpf.Core.Formatting;
using SharpBpf.Verifier.Programs;

namespace SharpBpf.Verifier.Passes;

/// <summary>What an assertion requires.</summary>
public enum AssertionKind : byte
{
    /// <summary>The register has been written on every path (the kernel's "R%d !read_ok").</summary>
    Initialized,
    /// <summary>The memory access through the register is valid: right kind of pointer, in bounds, initialised, writable.</summary>
    Access,
    /// <summary>The helper's arguments match its prototype.</summary>
    HelperCall,
    /// <summary>The bpf-to-bpf call fits in the call-depth limit.</summary>
    LocalCall,
    /// <summary>The value returned is allowed, and no reference is left unreleased.</summary>
    Return,
    /// <summary>LD_ABS/LD_IND: legacy packet access is allowed and its operands are right.</summary>
    PacketLoad,
}

/// <summary>How memory is accessed.</summary>
public enum AccessKind : byte
{
    /// <summary>A load.</summary>
    Read,
    /// <summary>A store.</summary>
    Write,
    /// <summary>A read-modify-write.</summary>
    Atomic,
}

/// <summary>
/// One fact an instruction needs from the state it runs in (PREVAIL's assertions): the fixpoint
/// evaluates each against every state that reaches the instruction; a state that breaks one is an
/// error, with the path that led to it.
/// </summary>
/// <param name="Kind">What is required.</param>
/// <param name="Reg">The register concerned (the base register of an access).</param>
/// <param name="Offset">The access's constant offset.</param>
/// <param name="Size">The access's size in bytes.</param>
/// <param name="Access">Load, store or atomic.</param>
/// <param name="ValueReg">For stores of a register, the register stored; -1 otherwise.</param>
public readonly record struct Assertion(AssertionKind Kind, int Reg = -1, int Offset = 0, int Size = 0, AccessKind Access = AccessKind.Read, int ValueReg = -1)
{
    /// <summary>A readable form, for tests and logs: <c>access r1+4 size 4 read</c>.</summary>
    public override string ToString() => Kind switch
    {
        AssertionKind.Initialized => $"initialized r{Reg}",
        AssertionKind.Access => $"access r{Reg}{(Offset < 0 ? "" : "+")}{Offset} size {Size} {Access.ToString().ToLowerInvariant()}{(ValueReg >= 0 ? $" r{ValueReg}" : "")}",
        AssertionKind.HelperCall => $"helper {Reg}",
        AssertionKind.LocalCall => "call depth",
        AssertionKind.Return => "return",
        _ => "packet load",
    };
}

/// <summary>A rule broken by the instruction alone, whatever the state (a constant shift too wide, a write to r10, ...).</summary>
/// <param name="Pc">The instruction.</param>
/// <param name="Id">The diagnostic id.</param>
/// <param name="Rule">The rule, in plain words.</param>
/// <param name="Message">What is wrong here.</param>
/// <param name="Hint">How to fix it.</param>
public sealed record StaticViolation(int Pc, string Id, string Rule, string Message, string? Hint);

/// <summary>
/// The third pass: the assertions of every instruction, and the rules that need no state
/// (checked here once rather than on every path).
/// </summary>
public static class AssertionPass
{
    /// <summary>Builds the assertions of each instruction; <paramref name="violations"/> gets the static rule breaks.</summary>
    internal static Assertion[][] Build(ControlFlowGraph cfg, ProgramContext context, IReadOnlyList<MapDefinition> maps, List<StaticViolation> violations)
    {
        var program = cfg.Program;
        var table = new Assertion[program.Length][];
        var helperGroups = HelperPrototypes.GroupsFor(context.Type);
        for (int pc = 0; pc < program.Length; pc++)
        {
            if (!cfg.IsInstruction[pc])
            {
                table[pc] = [];
                continue;
            }
            var list = new List<Assertion>(4);
            var insn = program[pc];
            var kind = OpcodeTable.KindOf(insn.Opcode);
            bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
            int size = Opcodes.SizeInBytes(insn.Opcode);
            void Static(string id, string rule, string message, string? hint) =>
                violations.Add(new StaticViolation(pc, id, rule, message, hint));
            bool writesDst = kind is InstructionKind.Alu or InstructionKind.Mov or InstructionKind.Neg or InstructionKind.Endian
                or InstructionKind.Load or InstructionKind.LoadSx or InstructionKind.LoadImm64 ||
                kind == InstructionKind.Atomic && insn.Immediate == Opcodes.AtomicLoadAcquire;
            if (writesDst && insn.Dst == 10)
                Static(VerifierDiagnosticIds.FramePointerWrite, "r10 is the frame pointer and is read-only",
                    "this instruction writes r10", "copy r10 into another register first: `r2 = r10; r2 += -8`");
            if (kind == InstructionKind.Atomic && (insn.Immediate & Opcodes.AtomicFetch) != 0 && insn.Immediate != Opcodes.AtomicCmpXchg && insn.Src == 10)
                Static(VerifierDiagnosticIds.FramePointerWrite, "r10 is the frame pointer and is read-only",
                    "this fetching atomic writes the old value into r10", "use another register for the value");
            switch (kind)
            {
                case InstructionKind.Alu:
                {
                    int op = insn.Opcode & 0xf0;
                    if (x)
                        list.Add(new(AssertionKind.Initialized, insn.Src));
                    list.Add(new(AssertionKind.Initialized, insn.Dst));
                    int width = OpcodeTable.Is64(insn.Opcode) ? 64 : 32;
                    if (!x && op is Opcodes.Lsh or Opcodes.Rsh or Opcodes.Arsh && (insn.Immediate < 0 || insn.Immediate >= width))
                        Static(VerifierDiagnosticIds.InvalidShift, $"a constant shift count must be between 0 and {width - 1} (the kernel rejects the rest: check_alu_op)",
                            $"shift by {insn.Immediate} of a {width}-bit value", $"shift by {(insn.Immediate & (width - 1))} if the count is meant modulo {width}, or use a register");
                    if (!x && op is Opcodes.Div or Opcodes.Mod && insn.Immediate == 0)
                        Static(VerifierDiagnosticIds.DivisionByZero, "division or modulo by the constant 0 is rejected (check_alu_op: \"div by zero\")",
                            $"{(op == Opcodes.Div ? "division" : "modulo")} by the constant 0", "remove it: x / 0 is 0 and x % 0 is x at run time");
                    break;
                }
                case InstructionKind.Mov:
                    if (x && insn.Offset == Opcodes.AddrSpaceCastOffset && insn.Class == Opcodes.ClassAlu64)
                        Static(VerifierDiagnosticIds.UnsupportedInstruction, "addr_space_cast is only valid in programs with an arena map",
                            "addr_space_cast (arena pointers) is not supported by this verifier", null);
                    if (x)
                        list.Add(new(AssertionKind.Initialized, insn.Src));
                    break;
                case InstructionKind.Neg:
                case InstructionKind.Endian:
                    list.Add(new(AssertionKind.Initialized, insn.Dst));
                    break;
                case InstructionKind.Load:
                case InstructionKind.LoadSx:
                    list.Add(new(AssertionKind.Initialized, insn.Src));
                    list.Add(new(AssertionKind.Access, insn.Src, insn.Offset, size, AccessKind.Read));
                    break;
                case InstructionKind.Store:
                    list.Add(new(AssertionKind.Initialized, insn.Dst));
                    list.Add(new(AssertionKind.Initialized, insn.Src));
                    list.Add(new(AssertionKind.Access, insn.Dst, insn.Offset, size, AccessKind.Write, insn.Src));
                    break;
                case InstructionKind.StoreImm:
                    list.Add(new(AssertionKind.Initialized, insn.Dst));
                    list.Add(new(AssertionKind.Access, insn.Dst, insn.Offset, size, AccessKind.Write));
                    break;
                case InstructionKind.Atomic:
                    switch (insn.Immediate)
                    {
                        case Opcodes.AtomicLoadAcquire:
                            list.Add(new(AssertionKind.Initialized, insn.Src));
                            list.Add(new(AssertionKind.Access, insn.Src, insn.Offset, size, AccessKind.Read));
                            break;
                        case Opcodes.AtomicStoreRelease:
                            list.Add(new(AssertionKind.Initialized, insn.Dst));
                            list.Add(new(AssertionKind.Initialized, insn.Src));
                            list.Add(new(AssertionKind.Access, insn.Dst, insn.Offset, size, AccessKind.Write, insn.Src));
                            break;
                        default:
                            list.Add(new(AssertionKind.Initialized, insn.Dst));
                            list.Add(new(AssertionKind.Initialized, insn.Src));
                            if (insn.Immediate == Opcodes.AtomicCmpXchg)
                                list.Add(new(AssertionKind.Initialized, 0));
                            list.Add(new(AssertionKind.Access, insn.Dst, insn.Offset, size, AccessKind.Atomic, insn.Src));
                            break;
                    }
                    break;
                case InstructionKind.Jump:
                    list.Add(new(AssertionKind.Initialized, insn.Dst));
                    if (x)
                        list.Add(new(AssertionKind.Initialized, insn.Src));
                    break;
                case InstructionKind.Call:
                    switch ((CallSource)insn.Src)
                    {
                        case CallSource.Local:
                            list.Add(new(AssertionKind.LocalCall));
                            break;
                        case CallSource.Kfunc:
                            Static(VerifierDiagnosticIds.UnsupportedInstruction, "kernel function (kfunc) calls are resolved through the kernel's BTF",
                                $"call of kfunc BTF id {insn.Immediate}: kfuncs are not supported by this verifier yet", null);
                            break;
                        default:
                        {
                            var proto = HelperPrototypes.Find(insn.Immediate);
                            string name = HelperIds.NameOf(insn.Immediate) ?? $"#{insn.Immediate}";
                            if (proto is null)
                                Static(VerifierDiagnosticIds.UnknownHelper, "only helpers whose prototype the verifier knows can be called",
                                    HelperIds.NameOf(insn.Immediate) is null
                                        ? $"helper id {insn.Immediate} does not exist"
                                        : $"helper {name}#{insn.Immediate} is not known to this verifier",
                                    HelperIds.NameOf(insn.Immediate) is null ? "check the helper id (see include/uapi/linux/bpf.h, enum bpf_func_id)" : null);
                            else if ((proto.Groups & helperGroups) == 0)
                                Static(VerifierDiagnosticIds.UnknownHelper, "each program type may call only its own set of helpers",
                                    $"{(context.IsMemoryConvention ? "a program in the memory+length convention" : $"a {UapiNames.NameOf(context.Type)} program")} cannot call {name}#{insn.Immediate}",
                                    $"{name} is for {GroupWords(proto.Groups)} programs");
                            else
                                list.Add(new(AssertionKind.HelperCall, insn.Immediate));
                            break;
                        }
                    }
                    break;
                case InstructionKind.Exit:
                    list.Add(new(AssertionKind.Initialized, 0));
                    list.Add(new(AssertionKind.Return));
                    break;
                case InstructionKind.LoadImm64:
                    CheckLoadImm64(program, pc, maps, violations);
                    break;
                case InstructionKind.LoadAbs:
                case InstructionKind.LoadInd:
                    if (!context.LegacyPacketLoads)
                        Static(VerifierDiagnosticIds.InvalidMemoryAccess, "LD_ABS and LD_IND read the socket buffer: only socket filters and tc programs may use them",
                            $"legacy packet load in a {UapiNames.NameOf(context.Type)} program", "read the packet through ctx->data and ctx->data_end");
                    if (kind == InstructionKind.LoadInd)
                        list.Add(new(AssertionKind.Initialized, insn.Src));
                    list.Add(new(AssertionKind.PacketLoad));
                    break;
            }
            table[pc] = [.. list];
        }
        return table;
    }

    private static string GroupWords(HelperGroups g)
    {
        var parts = new List<string>();
        if ((g & HelperGroups.Tracing) != 0) parts.Add("tracing (kprobe, tracepoint, perf_event)");
        if ((g & HelperGroups.Skb) != 0) parts.Add("socket buffer (socket, tc, cgroup_skb)");
        if ((g & HelperGroups.Tc) != 0) parts.Add("tc");
        if ((g & HelperGroups.Xdp) != 0) parts.Add("XDP");
        return string.Join(" and ", parts);
    }

    private static void CheckLoadImm64(ReadOnlySpan<Instruction> program, int pc, IReadOnlyList<MapDefinition> maps, List<StaticViolation> violations)
    {
        var insn = program[pc];
        var src = (LoadImm64Source)insn.Src;
        string text = LlvmFormatter.Instance.Format(program, pc);
        switch (src)
        {
            case LoadImm64Source.MapFd:
            case LoadImm64Source.MapValue:
                if (!maps.Any(m => m.Fd == insn.Immediate))
                    violations.Add(new StaticViolation(pc, VerifierDiagnosticIds.UnknownMap, "lddw of a map must name a map the program is loaded with",
                        $"`{text}` names map fd {insn.Immediate}, and no map has that fd", "pass the map definitions (VerifierOptions.Maps) with their fds"));
                break;
            case LoadImm64Source.MapIdx:
            case LoadImm64Source.MapIdxValue:
                if (insn.Immediate < 0 || insn.Immediate >= maps.Count)
                    violations.Add(new StaticViolation(pc, VerifierDiagnosticIds.UnknownMap, "lddw of a map must name a map the program is loaded with",
                        $"`{text}` names map index {insn.Immediate}, and there are {maps.Count} maps", null));
                break;
            case LoadImm64Source.BtfId:
                violations.Add(new StaticViolation(pc, VerifierDiagnosticIds.UnsupportedInstruction, "kernel variables (__ksym) are resolved through the kernel's BTF",
                    $"`{text}` loads the address of a kernel variable; this verifier does not read the kernel's BTF yet", null));
                break;
        }
    }
}
