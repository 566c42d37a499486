using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using SharpBpf.Core;
using Instruction = SharpBpf.Core.Instruction;
using static Iced.Intel.AssemblerRegisters;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// Translates a validated program into x86-64 code, one eBPF instruction at a time, with the
/// interpreter's semantics exactly (results, faults, their pcs and instruction counts).
/// </summary>
/// <remarks>
/// Register map (the kernel's arch/x86/net/bpf_jit_comp.c for r0-r9, so r1-r5 sit in the SysV
/// argument registers):
/// <code>
///   r0 rax   r1 rdi   r2 rsi   r3 rdx   r4 rcx   r5 r8
///   r6 rbx   r7 r13   r8 r14   r9 r15
///   r10      rbp, as the host address of the frame top (the program's r10 = rbp - stack bias)
///   r9 (host)  the run block: region descriptors at +24*i, the header below it
///   r12        instruction counter: executed - budget, kept like the interpreter's count
///   r10, r11   scratch
/// </code>
/// The instruction count is the interpreter's: a taken jump from i to t adds i + 1 - t, so at any
/// instruction i the executed count is counter + budget + i, and backward jumps and calls check the
/// budget. Every check that fails leaves through a stub naming a <see cref="FaultSite"/>.
/// </remarks>
internal sealed partial class JitCompiler
{
    // Host register numbers (the x86 encoding order) and their sized names.
    private const int Rax = 0, Rcx = 1, Rdx = 2, Rbp = 5, Ctx = 9, T1 = 10, T2 = 11;

    private static readonly AssemblerRegister64[] G64 = [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15];
    private static readonly AssemblerRegister32[] G32 = [eax, ecx, edx, ebx, esp, ebp, esi, edi, r8d, r9d, r10d, r11d, r12d, r13d, r14d, r15d];
    private static readonly AssemblerRegister16[] G16 = [ax, cx, dx, bx, sp, bp, si, di, r8w, r9w, r10w, r11w, r12w, r13w, r14w, r15w];
    private static readonly AssemblerRegister8[] G8 = [al, cl, dl, bl, spl, bpl, sil, dil, r8b, r9b, r10b, r11b, r12b, r13b, r14b, r15b];

    /// <summary>eBPF register -> host register number.</summary>
    private static readonly int[] HostOf = [Rax, 7, 6, Rdx, Rcx, 8, 3, 13, 14, 15, Rbp];

    private readonly Assembler _a = new(64);
    private readonly JitFlowGraph _g;
    private readonly bool[] _proven;
    private readonly bool _bmi2;
    private readonly Label[] _labels;
    private readonly bool[] _hasLabel;
    private readonly List<FaultSite> _faults = [];
    private readonly List<HelperSite> _helperSites = [];
    private readonly List<int> _helperIds = [];
    private readonly List<BpfHelper> _helpers = [];
    private readonly List<(Label Label, Action Emit)> _cold = [];
    private readonly HelperRegistry _registry;
    private Label _faultExit;
    private Label _normalExit;
    private int _instructionsAtLabel = -1;

    /// <summary>
    /// The eBPF register whose cache slot's host address r10 still holds (-1: none), so back-to-back
    /// accesses through one base load it once. Forgotten at every branch target, by every
    /// instruction that uses r10 as scratch, and when the register changes.
    /// </summary>
    private int _r10Base = -1;

    /// <summary><see cref="_r10Base"/> values for r10 holding the stack's or the input buffer's bias (proven accesses).</summary>
    private const int R10HoldsStackBias = -2, R10HoldsBufferBias = -3;

    private JitCompiler(JitFlowGraph graph, HelperRegistry registry, bool[] proven, bool bmi2, bool fold)
    {
        _fold = fold;
        _g = graph;
        _registry = registry;
        _proven = proven;
        _bmi2 = bmi2;
        _labels = new Label[graph.Count + 1];
        _hasLabel = new bool[graph.Count + 1];
    }

    /// <summary>Compiles a program the interpreter's predecoder accepted.</summary>
    public static CompiledCode Compile(ReadOnlySpan<Instruction> program, HelperRegistry registry, JitOptions options)
    {
        var proven = options.ProvenAccesses ?? [];
        var graph = JitFlowGraph.Build(program, proven, options.ProvenRegions);
        bool bmi2 = (options.UseBmi2 ?? true) && Bmi2.X64.IsSupported;
        var c = new JitCompiler(graph, registry, proven, bmi2, options.FoldConstants);
        c.EmitProgram();
        var stream = new MemoryStream();
        c._a.Assemble(new StreamCodeWriter(stream), 0);
        return new CompiledCode(stream.ToArray(), [.. c._faults], [.. c._helperSites], [.. c._helpers], graph);
    }

    private void EmitProgram()
    {
        _faultExit = _a.CreateLabel();
        _normalExit = _a.CreateLabel();
        var exit = _a.CreateLabel();

        // Entry: byte* (byte* block) in SysV. Save the callee-saved registers the program uses,
        // load the run's state, zero r0 and r3-r9 as the interpreter does (those the program
        // names), and call the program as a function so every exit (in the main program or a
        // callee) is a plain ret.
        ushort used = _g.RegistersNamed;
        var saved = new List<AssemblerRegister64> { rbp, r12 };
        foreach (var (ebpf, host) in new[] { (6, rbx), (7, r13), (8, r14), (9, r15) })
        {
            if ((used & (1 << ebpf)) != 0)
                saved.Add(host);
        }
        foreach (var r in saved)
            _a.push(r);
        // Every program frame has rsp = 8 mod 16 (so a helper call's push of r9 aligns it). With
        // bpf-to-bpf calls the program is entered by a call (its exits are rets); without, it
        // runs inline and its exits jump to the epilogue.
        bool entered = _g.HasLocalCalls;
        int pad = (saved.Count % 2 == 0) == entered ? 8 : 0;
        if (pad != 0)
            _a.sub(rsp, pad);
        _a.mov(r9, rdi);
        _a.mov(Header(JitFrame.SavedStackPointerOffset), rsp);
        _a.mov(r12, Header(JitFrame.InitialCounterOffset));
        _a.mov(rbp, Header(JitFrame.InitialFramePointerOffset));
        _a.mov(rdi, Header(JitFrame.R1Offset));
        _a.mov(rsi, Header(JitFrame.R1Offset + 8));
        foreach (int r in new[] { 0, 3, 4, 5, 6, 7, 8, 9 })
        {
            if ((used & (1 << r)) != 0)
                _a.xor(G32[HostOf[r]], G32[HostOf[r]]);
        }
        void EmitEpilogue()
        {
            _a.Label(ref _normalExit);
            // FaultSite is -1 from the host (Prepare); only fault exits write it.
            _a.mov(Header(JitFrame.R0Offset), rax);
            _a.Label(ref exit);
            _a.mov(Header(JitFrame.CounterOffset), r12);
            _a.mov(rax, r9);
            if (pad != 0)
                _a.add(rsp, pad);
            for (int k = saved.Count - 1; k >= 0; k--)
                _a.pop(saved[k]);
            _a.ret();

            // Every fault stub sets r11d = its site (and r10 = the faulting address) and comes
            // here, from any call depth: the saved stack pointer unwinds bpf-to-bpf frames.
            _a.Label(ref _faultExit);
            _a.mov(__dword_ptr[r9 + JitFrame.Disp(JitFrame.FaultSiteOffset)], r11d);
            _a.mov(Header(JitFrame.FaultAddressOffset), r10);
            _a.mov(rsp, Header(JitFrame.SavedStackPointerOffset));
            _a.jmp(exit);
        }

        if (entered)
        {
            _a.call(Target(0));
            EmitEpilogue();
        }

        for (int i = 0; i < _g.Count; i++)
        {
            if (_g.IsTarget[i] || i == 0)
            {
                // The fall-through edge brings its registers up to date; the target knows nothing.
                if (i > 0 && _g.FallsThrough(i - 1))
                    MaterializeAll();
                ForgetConstants();
                if (i == 0 && !_g.IsTarget[0])
                    KnowEntryRegisters();
                DefineTarget(i);
                _r10Base = -1;
            }
            else if (i > 0 && !_g.FallsThrough(i - 1))
            {
                ForgetConstants();
            }
            if (!KeepsR10(_g[i]))
                _r10Base = -1;
            if (TryFold(i))
            {
                if (_r10Base >= 0 && (_g.Kills(i) & (1 << _r10Base)) != 0)
                    _r10Base = -1;
                continue;
            }
            int end = WindowEnd(i);
            if (end > i + 1)
            {
                MaterializeAll();
                EmitWindow(i, end);
                for (int j = i; j < end; j++)
                    ForgetWritten(j);
                i = end - 1;
            }
            else
            {
                MaterializeOperands(i);
                EmitInstruction(i);
                ForgetWritten(i);
            }
            if (_r10Base >= 0 && (_g.Kills(i) & (1 << _r10Base)) != 0)
                _r10Base = -1;
        }
        MaterializeAll();
        _r10Base = -1;
        // Past the last instruction (the interpreter's FellOff sentinel).
        DefineTarget(_g.Count);
        EmitFaultJump(NewFault(new FaultSite(FaultKind.FellOff, _g.SlotOf[_g.Count], _g.Count)));
        if (!entered)
            EmitEpilogue();

        // Out-of-line code: forward branch edges, slow paths and fault stubs. New entries may be
        // added while emitting, so walk by index.
        for (int k = 0; k < _cold.Count; k++)
        {
            var (label, emit) = _cold[k];
            DefineLabel(ref label);
            emit();
        }
    }

    private void EmitInstruction(int i)
    {
        var insn = _g[i];
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
                EmitAlu(insn);
                break;
            case InstructionKind.Neg:
                if (insn.Class == Opcodes.ClassAlu64)
                    _a.neg(G64[HostOf[insn.Dst]]);
                else
                    _a.neg(G32[HostOf[insn.Dst]]);
                break;
            case InstructionKind.Mov:
                EmitMov(insn);
                break;
            case InstructionKind.Endian:
                EmitEndian(insn);
                break;
            case InstructionKind.LoadImm64:
            {
                long value = (long)((uint)insn.Immediate | ((ulong)(uint)_g.Slots[_g.SlotOf[i] + 1].Immediate << 32));
                MovImmediate(HostOf[insn.Dst], value);
                break;
            }
            case InstructionKind.Jump:
                EmitConditionalJump(i, insn);
                break;
            case InstructionKind.Ja:
            case InstructionKind.Gotol:
                EmitJump(i, _g.Target[i]);
                break;
            case InstructionKind.MayGoto:
                EmitMayGoto(i);
                break;
            case InstructionKind.Call:
                if (insn.Src == (int)CallSource.Local)
                    EmitLocalCall(i);
                else if (insn.Src == (int)CallSource.Helper)
                    EmitHelperCall(i, insn.Immediate, -1);
                else
                    EmitFaultJump(NewFault(new FaultSite(FaultKind.Kfunc, _g.SlotOf[i], i, Immediate: insn.Immediate)));
                break;
            case InstructionKind.CallX:
                EmitHelperCall(i, 0, insn.Dst);
                break;
            case InstructionKind.Exit:
                AddCounter(i + 1L);
                if (_g.HasLocalCalls)
                    _a.ret();
                else
                    _a.jmp(_normalExit);
                break;
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
                EmitPacketLoad(i, insn);
                break;
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            case InstructionKind.Store:
            case InstructionKind.StoreImm:
                EmitMemory(i, insn);
                break;
            case InstructionKind.Atomic:
                EmitAtomic(i, insn);
                break;
            default:
                throw new InvalidOperationException($"validated instruction 0x{insn.Opcode:x2} has no JIT form");
        }
    }

    /// <summary>Instructions whose code never writes r10 except through <see cref="Translate"/>, which tracks it.</summary>
    private static bool KeepsR10(Instruction insn)
    {
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
                return (insn.Opcode & 0xf0) is not (Opcodes.Div or Opcodes.Mod);
            case InstructionKind.Neg:
            case InstructionKind.Mov:
            case InstructionKind.Endian:
            case InstructionKind.LoadImm64:
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            case InstructionKind.Store:
            case InstructionKind.StoreImm:
            case InstructionKind.Ja:
            case InstructionKind.Gotol:
                return true;
            case InstructionKind.Jump:
                return insn.Dst != 10;
            default:
                return false;
        }
    }

    // ---- labels ----

    private Label Target(int index)
    {
        if (!_hasLabel[index])
        {
            _labels[index] = _a.CreateLabel();
            _hasLabel[index] = true;
        }
        return _labels[index];
    }

    private void DefineTarget(int index)
    {
        var label = Target(index);
        DefineLabel(ref label);
        _labels[index] = label;
    }

    /// <summary>Binds a label to the next instruction; iced allows one label per instruction, so two in a row get a nop between.</summary>
    private void DefineLabel(ref Label label)
    {
        if (_a.Instructions.Count == _instructionsAtLabel)
            _a.nop();
        _a.Label(ref label);
        _instructionsAtLabel = _a.Instructions.Count;
    }

    private Label Cold(Action emit)
    {
        var label = _a.CreateLabel();
        _cold.Add((label, emit));
        return label;
    }

    // ---- faults and the instruction counter ----

    private int NewFault(FaultSite site)
    {
        _faults.Add(site);
        return _faults.Count - 1;
    }

    private void EmitFaultJump(int site)
    {
        _a.mov(r11d, site);
        _a.jmp(_faultExit);
    }

    /// <summary>A stub that reports <paramref name="site"/>; <paramref name="address"/> loads r10 with the faulting address first.</summary>
    private Label FaultStub(FaultSite site, Action? address = null)
    {
        int id = NewFault(site);
        return Cold(() =>
        {
            address?.Invoke();
            EmitFaultJump(id);
        });
    }

    private void AddCounter(long delta)
    {
        if (delta > 0)
            _a.add(r12, checked((int)delta));
        else if (delta < 0)
            _a.sub(r12, checked((int)-delta));
    }

    // ---- operands ----

    private static AssemblerMemoryOperand Header(int offset) => __qword_ptr[r9 + JitFrame.Disp(offset)];

    private static AssemblerMemoryOperand Slot(int register, int field) => __qword_ptr[r9 + JitFrame.CacheDisp(register, field)];

    private static AssemblerMemoryOperand Ptr(int size, int register, int displacement) => size switch
    {
        1 => __byte_ptr[G64[register] + displacement],
        2 => __word_ptr[G64[register] + displacement],
        4 => __dword_ptr[G64[register] + displacement],
        _ => __qword_ptr[G64[register] + displacement],
    };

    /// <summary>
    /// The host register holding eBPF register <paramref name="register"/>'s value; r10 is
    /// materialized into <paramref name="scratch"/> (host rbp holds the frame's host address).
    /// </summary>
    private int Read(int register, int scratch)
    {
        if (register != 10)
            return HostOf[register];
        _a.mov(G64[scratch], rbp);
        _a.sub(G64[scratch], Header(JitFrame.StackBiasOffset));
        return scratch;
    }

    /// <summary>The shortest mov of a 64-bit constant.</summary>
    private void MovImmediate(int register, long value)
    {
        if (value == 0)
            _a.xor(G32[register], G32[register]);
        else if (value is > 0 and <= uint.MaxValue)
            _a.mov(G32[register], (int)(uint)value);
        else if (value is >= int.MinValue and < 0)
            _a.AddInstruction(Iced.Intel.Instruction.Create(Code.Mov_rm64_imm32, G64[register], (int)value)); // 7 bytes, not imm64's 10
        else
            _a.mov(G64[register], value);
    }
}

/// <summary>The output of <see cref="JitCompiler"/>: position-independent code (entry at offset 0) and its tables.</summary>
internal sealed record CompiledCode(byte[] Code, FaultSite[] Faults, HelperSite[] HelperSites, BpfHelper[] Helpers, JitFlowGraph Graph);
