using SharpBpf.Core;
using SharpBpf.Verifier.Domains;

namespace SharpBpf.Verifier.Passes;

internal sealed partial class Analyzer
{
    /// <summary>
    /// Runs one instruction on <paramref name="st"/>: checks its assertions, then applies its
    /// effect. Returns the next instruction of <paramref name="st"/> (or -1 when it went
    /// elsewhere or ended); other successors (a jump's taken branch, a callee's entry) go to
    /// <paramref name="successors"/>. A broken rule comes back in <paramref name="violation"/>.
    /// </summary>
    internal int Step(AbstractState st, int pc, List<Successor> successors, out Violation? violation)
    {
        var insn = _program[pc];
        foreach (var a in _assertions[pc])
        {
            violation = Check(a, st, pc);
            if (violation is not null)
                return -1;
        }
        violation = null;
        int next = pc + (insn.IsWide ? 2 : 1);
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Alu:
            case InstructionKind.Neg:
            case InstructionKind.Mov:
            case InstructionKind.Endian:
                violation = Alu(st, pc, insn);
                return violation is null ? next : -1;
            case InstructionKind.LoadImm64:
                violation = LoadImm64(st, pc, insn);
                return violation is null ? next : -1;
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            case InstructionKind.Store:
            case InstructionKind.StoreImm:
            case InstructionKind.Atomic:
                violation = Memory(st, pc, insn);
                return violation is null ? next : -1;
            case InstructionKind.LoadAbs:
            case InstructionKind.LoadInd:
                violation = LegacyLoad(st, pc, insn);
                return violation is null ? next : -1;
            case InstructionKind.Ja:
            case InstructionKind.Gotol:
                return ControlFlowGraph.Target(_program, pc);
            case InstructionKind.MayGoto:
                // Either the loop budget allows one more round (fall through) or it is spent (jump).
                successors.Add(new Successor(st.Clone(), ControlFlowGraph.Target(_program, pc), pc));
                return next;
            case InstructionKind.Jump:
                violation = Jump(st, pc, insn, successors, out bool fallThrough);
                return violation is null && fallThrough ? next : -1;
            case InstructionKind.Call:
                return Call(st, pc, insn, successors, out violation);
            case InstructionKind.Exit:
                return Exit(st, pc, successors, out violation);
            default:
                violation = new Violation(VerifierDiagnosticIds.UnsupportedInstruction, "only defined instructions run",
                    $"opcode 0x{insn.Opcode:x2} is not supported", null);
                return -1;
        }
    }

    private Violation? Check(Assertion a, AbstractState st, int pc)
    {
        switch (a.Kind)
        {
            case AssertionKind.Initialized:
            {
                var v = st.Regs[a.Reg];
                if (v.IsInit)
                    return null;
                string why = a.Reg is >= 1 and <= 5 && WasClobberedByCall(st, pc)
                    ? $"r{a.Reg} is not initialised: calls leave r1-r5 undefined, and nothing wrote r{a.Reg} since"
                    : $"r{a.Reg} is read here but no path to this point writes it (the value is not initialised)";
                return new Violation(VerifierDiagnosticIds.UninitializedRegister, "a register must be written before it is read",
                    why, a.Reg is >= 1 and <= 5 ? "save values needed after a call in r6-r9, which calls preserve" : null, a.Reg);
            }
            case AssertionKind.Access:
                return CheckAccess(st, pc, a);
            case AssertionKind.HelperCall:
                return CheckHelper(st, pc, a.Reg);
            case AssertionKind.LocalCall:
                return st.Depth + 1 >= MaxCallFrames
                    ? new Violation(VerifierDiagnosticIds.StackLimit, $"calls may nest at most {MaxCallFrames} deep (MAX_CALL_FRAMES)",
                        $"this call would make {st.Depth + 2} frames", "flatten the call chain or inline functions (__always_inline)")
                    : null;
            case AssertionKind.Return:
                return CheckReturn(st, pc);
            case AssertionKind.PacketLoad:
                return CheckLegacyLoad(st, pc);
            default:
                return null;
        }
    }

    private bool WasClobberedByCall(AbstractState st, int pc)
    {
        // A call earlier in the same function is the usual reason r1-r5 are undefined.
        int start = _cfg.Subprograms[_cfg.SubprogramOf[pc]].Start;
        for (int p = pc - 1; p >= start; p--)
        {
            if (_cfg.IsInstruction[p] && OpcodeTable.KindOf(_program[p].Opcode) == InstructionKind.Call)
                return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- ALU

    private Violation? Alu(AbstractState st, int pc, Instruction insn)
    {
        var regs = st.Regs;
        var kind = OpcodeTable.KindOf(insn.Opcode);
        bool is64 = OpcodeTable.Is64(insn.Opcode);
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        int op = insn.Opcode & 0xf0;
        ref var dst = ref regs[insn.Dst];
        var src = x ? regs[insn.Src] : RegisterValue.Const(is64 ? (ulong)(long)insn.Immediate : (uint)insn.Immediate, pc);

        if (kind == InstructionKind.Mov)
        {
            if (!x)
            {
                dst = RegisterValue.Const(is64 ? (ulong)(long)insn.Immediate : (uint)insn.Immediate, pc);
                return null;
            }
            if (insn.Offset != 0)
            {
                // movsx: sign-extend the low 8/16/32 bits.
                if (src.IsPointer)
                    return PointerToNumber(insn.Src, src, "sign-extended", pc);
                dst = RegisterValue.OfScalar(src.Value.SignExtend(insn.Offset, !is64), pc);
                return null;
            }
            if (is64)
            {
                if (src.Type == RegisterType.Scalar && src.Id == 0 && !src.Value.IsConst)
                {
                    // Link the copies: a comparison on one refines both (the kernel's scalar ids).
                    int id = FreshId();
                    regs[insn.Src] = src with { Id = id };
                    src = regs[insn.Src];
                }
                dst = src;
                return null;
            }
            if (src.IsPointer)
                return PointerToNumber(insn.Src, src, "copied with a 32-bit move", pc);
            // w = w: the value is the same if it already fits in 32 bits; only then the link survives.
            dst = src.Value.UMax <= uint.MaxValue ? src : RegisterValue.OfScalar(src.Value.Zext32(), pc);
            return null;
        }

        if (kind is InstructionKind.Neg or InstructionKind.Endian)
        {
            if (dst.IsPointer)
                return new Violation(VerifierDiagnosticIds.PointerArithmetic, "only + and - apply to pointers",
                    $"r{insn.Dst} is {Describe(dst)}; {(kind == InstructionKind.Neg ? "negating" : "byte-swapping")} it is not allowed", null, insn.Dst);
            if (kind == InstructionKind.Neg)
                dst = RegisterValue.OfScalar(dst.Value.Neg(!is64), pc);
            else
            {
                bool swap = insn.Class == Opcodes.ClassAlu64 || (insn.Opcode & Opcodes.SourceX) != 0;
                dst = RegisterValue.OfScalar(dst.Value.ByteSwap(insn.Immediate, swap), pc);
            }
            return null;
        }

        if (dst.Type == RegisterType.Scalar && src.Type == RegisterType.Scalar)
        {
            if (x && op is Opcodes.Div or Opcodes.Mod)
                NoteDivisor(pc, is64 ? src.Value.MayBe(0) : src.Value.U32Min == 0);
            dst = RegisterValue.OfScalar(dst.Value.Alu((byte)op, src.Value, !is64, insn.Offset == 1), pc);
            return null;
        }
        return PointerArithmetic(st, pc, insn, ref dst, src, is64, op, x);
    }

    private Violation? PointerToNumber(int reg, RegisterValue v, string how, int pc)
    {
        if (_opt.Privileged)
        {
            return null;
        }
        return new Violation(VerifierDiagnosticIds.PointerLeak, "a pointer's value (a kernel address) must not become a number the program can see",
            $"r{reg} is {Describe(v)} and would be {how}", null, reg);
    }

    private Violation? PointerArithmetic(AbstractState st, int pc, Instruction insn, ref RegisterValue dst, RegisterValue src, bool is64, int op, bool x)
    {
        string opName = AluOperator(insn.Opcode);
        if (dst.IsPointer && src.IsPointer)
        {
            // Two pointers: only their difference, and only within one object unless privileged (the kernel: allow_ptr_leaks).
            if (op == Opcodes.Sub && (SameRegion(dst, src) || _opt.Privileged))
            {
                ulong? diff = dst.Type == src.Type && !dst.IsVariable && !src.IsVariable && dst.Type != RegisterType.PacketEnd
                    && dst.Id == src.Id ? (ulong)(long)(dst.Off - src.Off) : null;
                var value = diff is { } d ? Scalar.Const(d) : Scalar.Unknown;
                dst = RegisterValue.OfScalar(is64 ? value : value.Zext32(), pc);
                return null;
            }
            return new Violation(VerifierDiagnosticIds.PointerArithmetic,
                "the only arithmetic between two pointers is subtracting two pointers into the same object",
                $"`r{insn.Dst} {opName} r{insn.Src}` combines {Describe(dst)} and {Describe(src)}", null, insn.Dst, insn.Src);
        }
        if (!is64)
        {
            var p = dst.IsPointer ? dst : src;
            if (_opt.Privileged && op == Opcodes.Sub && dst.IsPointer)
            {
                dst = RegisterValue.OfScalar(Scalar.OfSize(4), pc);
                return null;
            }
            return new Violation(VerifierDiagnosticIds.PointerArithmetic, "pointer arithmetic must be 64-bit",
                $"32-bit `{opName}` on {Describe(p)} would cut the address in half", "use r registers, not w registers, for pointers",
                dst.IsPointer ? insn.Dst : insn.Src);
        }
        bool ptrIsDst = dst.IsPointer;
        var ptr = ptrIsDst ? dst : src;
        var num = ptrIsDst ? src : dst;
        int ptrReg = ptrIsDst ? insn.Dst : insn.Src;
        if (op != Opcodes.Add && !(op == Opcodes.Sub && ptrIsDst))
        {
            return new Violation(VerifierDiagnosticIds.PointerArithmetic, "only + and - (pointer - number) apply to pointers",
                op == Opcodes.Sub
                    ? $"subtracting {Describe(ptr)} (r{ptrReg}) from a number is not allowed"
                    : $"`{opName}` on {Describe(ptr)} (r{ptrReg}) is not allowed",
                "compute offsets as numbers first, then add them to the pointer", ptrReg);
        }
        if (op == Opcodes.Sub && ptr.Type == RegisterType.Stack)
            return new Violation(VerifierDiagnosticIds.PointerArithmetic, "nothing may be subtracted from a stack pointer (the kernel: JITs may not handle it)",
                $"`r{insn.Dst} -= {(x ? $"r{insn.Src}" : insn.Immediate.ToString(System.Globalization.CultureInfo.InvariantCulture))}` subtracts from {Describe(ptr)}",
                x ? "add the negated offset instead" : $"add a negative offset instead: `r{insn.Dst} += {-(long)insn.Immediate}`", ptrReg);
        if (ptr.MaybeNull)
            return new Violation(VerifierDiagnosticIds.NullDereference, "a pointer that may be NULL must be checked against NULL before arithmetic",
                $"r{ptrReg} is {Describe(ptr)}{OriginNote(ptr)}", NullHint(ptr, ptrReg), ptrReg);
        switch (ptr.Type)
        {
            case RegisterType.Ctx:
                return new Violation(VerifierDiagnosticIds.PointerArithmetic, "the context pointer cannot be moved: its fields are read at constant offsets from it",
                    $"`r{insn.Dst} {opName} {(x ? $"r{insn.Src}" : insn.Immediate.ToString(System.Globalization.CultureInfo.InvariantCulture))}` does arithmetic on the context pointer r{ptrReg}",
                    $"read the field directly: `r{insn.Dst} = *(u32 *)(r{ptrReg} + offset)`; the kernel rewrites context accesses at load time and needs the constant offset",
                    ptrReg);
            case RegisterType.PacketEnd:
            case RegisterType.MapPtr:
            case RegisterType.Func:
                return new Violation(VerifierDiagnosticIds.PointerArithmetic, $"{RegisterTypeNames.Name(ptr.Type)} pointers cannot be moved",
                    $"arithmetic on {Describe(ptr)} (r{ptrReg})",
                    ptr.Type == RegisterType.PacketEnd ? "move the packet pointer instead: `if (data + n > data_end)`" : null, ptrReg);
        }
        var n = num.Value;
        const long maxVarOff = 1 << 29; // BPF_MAX_VAR_OFF
        if (n.IsConst)
        {
            long c = (long)n.ConstValue;
            long off = op == Opcodes.Add ? ptr.Off + c : ptr.Off - c;
            if (c >= maxVarOff || c <= -maxVarOff || off >= maxVarOff || off <= -maxVarOff)
                return new Violation(VerifierDiagnosticIds.PointerArithmetic, $"pointer offsets must stay within ±2^29 (BPF_MAX_VAR_OFF)",
                    $"adding {c} to {Describe(ptr)} is out of range", null, ptrReg);
            dst = ptr with { Off = (int)off, Origin = ptr.Origin };
            return null;
        }
        if (n.SMin == long.MinValue && ptr.Type != RegisterType.Stack || n.SMin <= -maxVarOff || n.SMax >= maxVarOff)
        {
            return new Violation(VerifierDiagnosticIds.PointerArithmetic, "a number added to a pointer must be bounded first",
                $"r{(ptrIsDst ? insn.Src : insn.Dst)} = {num.Format(MapName)} has no usable bounds, so {Describe(ptr)} + it could point anywhere",
                "bound it before the addition: `if (idx >= N) return ...;` or `idx &= N - 1`", ptrIsDst ? insn.Src : insn.Dst);
        }
        var varOff = op == Opcodes.Add ? ptr.Value.Alu(Opcodes.Add, n, false) : ptr.Value.Alu(Opcodes.Sub, n, false);
        if (varOff.SMin <= -maxVarOff || varOff.SMax >= maxVarOff)
            return new Violation(VerifierDiagnosticIds.PointerArithmetic, $"pointer offsets must stay within ±2^29 (BPF_MAX_VAR_OFF)",
                $"{Describe(ptr)} plus {n} is out of range", null, ptrReg);
        var result = ptr with { Value = varOff };
        if (ptr.Type is RegisterType.Packet or RegisterType.PacketMeta)
            result = result with { Id = FreshId(), Range = 0 }; // a new variable offset: its range must be proven anew
        dst = result;
        return null;
    }

    private static string AluOperator(byte opcode) => (opcode & 0xf0) switch
    {
        Opcodes.Add => "+=", Opcodes.Sub => "-=", Opcodes.Mul => "*=", Opcodes.Div => "/=", Opcodes.Or => "|=",
        Opcodes.And => "&=", Opcodes.Lsh => "<<=", Opcodes.Rsh => ">>=", Opcodes.Mod => "%=", Opcodes.Xor => "^=",
        Opcodes.Arsh => "s>>=", _ => "?=",
    };

    private static bool SameRegion(in RegisterValue a, in RegisterValue b)
    {
        bool pkt(RegisterType t) => t is RegisterType.Packet or RegisterType.PacketEnd or RegisterType.PacketMeta;
        if (pkt(a.Type) && pkt(b.Type))
            return true;
        return a.Type == b.Type && a.Map == b.Map && a.Frame == b.Frame && a.Type is RegisterType.Stack or RegisterType.MapValue or RegisterType.Mem
            && !a.MaybeNull && !b.MaybeNull;
    }

    // ---------------------------------------------------------------- lddw

    private Violation? LoadImm64(AbstractState st, int pc, Instruction insn)
    {
        ref var dst = ref st.Regs[insn.Dst];
        ulong imm = (uint)insn.Immediate | ((ulong)(uint)_program[pc + 1].Immediate << 32);
        switch ((LoadImm64Source)insn.Src)
        {
            case LoadImm64Source.Imm64:
                dst = RegisterValue.Const(imm, pc);
                return null;
            case LoadImm64Source.MapFd:
            case LoadImm64Source.MapIdx:
            {
                int m = MapIndex(insn);
                dst = RegisterValue.Pointer(RegisterType.MapPtr, map: m, origin: pc);
                return null;
            }
            case LoadImm64Source.MapValue:
            case LoadImm64Source.MapIdxValue:
            {
                int m = MapIndex(insn);
                int off = _program[pc + 1].Immediate;
                if (off < 0 || off >= Math.Max(1, _maps[m].ValueSize))
                    return new Violation(VerifierDiagnosticIds.OutOfBounds, "lddw of a map value must point inside the value",
                        $"offset {off} is outside {_maps[m].Name}'s {_maps[m].ValueSize}-byte value", null);
                dst = RegisterValue.Pointer(RegisterType.MapValue, off: off, map: m, origin: pc);
                return null;
            }
            case LoadImm64Source.Func:
                dst = RegisterValue.Pointer(RegisterType.Func, frame: ControlFlowGraph.Target(_program, pc), origin: pc);
                return null;
            default:
                return new Violation(VerifierDiagnosticIds.UnsupportedInstruction, "lddw pseudo sources must be known", $"lddw source {insn.Src} is not supported", null);
        }
    }

    private int MapIndex(Instruction insn) => (LoadImm64Source)insn.Src is LoadImm64Source.MapIdx or LoadImm64Source.MapIdxValue
        ? insn.Immediate
        : _maps.FindIndex(m => m.Fd == insn.Immediate);

    // ---------------------------------------------------------------- jumps

    private Violation? Jump(AbstractState st, int pc, Instruction insn, List<Successor> successors, out bool fallThrough)
    {
        fallThrough = false;
        var regs = st.Regs;
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        bool is32 = insn.Class == Opcodes.ClassJmp32;
        var cmp = Comparisons.FromOpcode(insn.Opcode);
        int target = ControlFlowGraph.Target(_program, pc);
        var a = regs[insn.Dst];
        var b = x ? regs[insn.Src] : RegisterValue.Const((ulong)(long)insn.Immediate);

        if (a.Type == RegisterType.Scalar && b.Type == RegisterType.Scalar)
        {
            int decision = Scalar.Decide(a.Value, b.Value, cmp, is32);
            if (decision == 1)
            {
                successors.Add(new Successor(st, target, pc));
                return null;
            }
            if (decision == 0)
            {
                fallThrough = true;
                return null;
            }
            var taken = st.Clone();
            if (RefineScalars(taken, insn, cmp, is32, x))
                successors.Add(new Successor(taken, target, pc));
            fallThrough = RefineScalars(st, insn, cmp.Negate(), is32, x);
            return null;
        }

        // A pointer that may be NULL, compared with 0: each branch learns which.
        bool aNullable = a.MaybeNull, bNullable = b.MaybeNull;
        if (!is32 && cmp is Comparison.Eq or Comparison.Ne && (aNullable && b.IsNull || bNullable && a.IsNull))
        {
            int reg = aNullable ? insn.Dst : insn.Src;
            var ptr = aNullable ? a : b;
            var taken = st.Clone();
            MarkNull(cmp == Comparison.Eq ? taken : st, ptr, isNull: true);
            MarkNull(cmp == Comparison.Eq ? st : taken, ptr, isNull: false);
            successors.Add(new Successor(taken, target, pc));
            fallThrough = true;
            _ = reg;
            return null;
        }

        // A valid pointer is never NULL.
        if (!is32 && cmp is Comparison.Eq or Comparison.Ne && (a.IsPointer && !a.MaybeNull && b.IsNull || b.IsPointer && !b.MaybeNull && a.IsNull))
        {
            if (cmp == Comparison.Ne)
                successors.Add(new Successor(st, target, pc));
            else
                fallThrough = true;
            return null;
        }

        // Packet pointers against the packet's end: the readable range grows (find_good_pkt_pointers).
        if (!is32 && x && TryPacketCompare(st, insn, cmp, successors, target, out fallThrough))
            return null;

        if (!_opt.Privileged && !(a.IsPointer && b.IsPointer && SameRegion(a, b) && !is32))
        {
            int bad = a.IsPointer ? insn.Dst : insn.Src;
            var p = a.IsPointer ? a : b;
            var other = a.IsPointer ? b : a;
            return new Violation(VerifierDiagnosticIds.PointerComparison,
                "pointers may be compared only with NULL, with pointers into the same object, and packet pointers with the packet's end",
                $"r{insn.Dst} ({Describe(a)}) is compared with {(x ? $"r{insn.Src} ({Describe(b)})" : insn.Immediate.ToString(System.Globalization.CultureInfo.InvariantCulture))}{(is32 ? " in 32 bits" : "")}; the outcome would reveal the address of {Describe(p)}",
                other.IsNull ? "compare with NULL using a 64-bit comparison: `if (r0 == 0)`" : null, bad);
        }
        // Allowed but nothing learnt: both ways are possible.
        successors.Add(new Successor(st.Clone(), target, pc));
        fallThrough = true;
        return null;
    }

    private bool RefineScalars(AbstractState st, Instruction insn, Comparison cmp, bool is32, bool x)
    {
        var regs = st.Regs;
        var a = regs[insn.Dst].Value;
        var b = x ? regs[insn.Src].Value : Scalar.Const((ulong)(long)insn.Immediate);
        if (!Scalar.Refine(ref a, ref b, cmp, is32))
            return false;
        SetLinked(st, insn.Dst, a);
        if (x)
            SetLinked(st, insn.Src, b);
        return true;
    }

    /// <summary>Gives a register, and every copy linked to it by id, a refined value (sync_linked_regs).</summary>
    private void SetLinked(AbstractState st, int reg, Scalar value)
    {
        var r = st.Regs[reg];
        st.Regs[reg] = r with { Value = value };
        if (r.Id != 0)
        {
            int id = r.Id;
            st.MapAll(v => v.Type == RegisterType.Scalar && v.Id == id ? v with { Value = value } : v);
            if (id == st.LengthId)
                st.InputLength = Math.Max(st.InputLength, (long)Math.Min(value.UMin, int.MaxValue));
        }
    }

    /// <summary>After a NULL check: the pointer and its copies are NULL (a number 0) or valid.</summary>
    private static void MarkNull(AbstractState st, RegisterValue ptr, bool isNull)
    {
        int id = ptr.Id;
        if (isNull && ptr.RefId != 0)
            st.References.RemoveAll(r => r.Id == ptr.RefId); // a NULL record needs no release
        st.MapAll(v =>
        {
            if (!v.MaybeNull || v.Id != id)
                return v;
            if (isNull)
                return RegisterValue.Const(0, v.Origin);
            return v with { Flags = v.Flags & ~RegisterFlags.MaybeNull };
        });
    }

    private bool TryPacketCompare(AbstractState st, Instruction insn, Comparison cmp, List<Successor> successors, int target, out bool fallThrough)
    {
        fallThrough = false;
        var regs = st.Regs;
        var a = regs[insn.Dst];
        var b = regs[insn.Src];
        // Normalise to "p <cmp> end", where end is pkt_end (for pkt) or an unmoved pkt (for pkt_meta).
        RegisterValue p;
        Comparison c;
        if (IsPacketAgainstEnd(a, b))
        {
            p = a;
            c = cmp;
        }
        else if (IsPacketAgainstEnd(b, a))
        {
            p = b;
            c = cmp.Swap();
        }
        else
        {
            return false;
        }
        // Which side learns that p <= end (range = off) or p < end (range = off + 1).
        var taken = st.Clone();
        switch (c)
        {
            case Comparison.Gt: // p > end: the fall-through has p <= end
                GoodPacketPointers(st, p, rightOpen: false);
                break;
            case Comparison.Ge: // p >= end: the fall-through has p < end
                GoodPacketPointers(st, p, rightOpen: true);
                break;
            case Comparison.Lt: // p < end: taken
                GoodPacketPointers(taken, p, rightOpen: true);
                break;
            case Comparison.Le: // p <= end: taken
                GoodPacketPointers(taken, p, rightOpen: false);
                break;
        }
        successors.Add(new Successor(taken, target, _edgeLoopFrom));
        fallThrough = true;
        return true;
    }

    private static bool IsPacketAgainstEnd(in RegisterValue p, in RegisterValue end) =>
        p.Type == RegisterType.Packet && end.Type == RegisterType.PacketEnd ||
        p.Type == RegisterType.PacketMeta && end.Type == RegisterType.Packet && end.Off == 0 && !end.IsVariable;

    private static void GoodPacketPointers(AbstractState st, RegisterValue p, bool rightOpen)
    {
        if (p.Off < 0 || p.Off == 0 && rightOpen)
            return; // nothing learnt (the kernel skips "pkt + 0 < end" too)
        if (p.Value.UMax > 0xffff || p.Value.UMax + (ulong)p.Off > 0xffff)
            return; // MAX_PACKET_OFF: the sum could wrap
        int range = p.Off + (rightOpen ? 1 : 0);
        var type = p.Type;
        int id = p.Id;
        st.MapAll(v => v.Type == type && v.Id == id && v.Range < range ? v with { Range = range } : v);
        if (type == RegisterType.Packet)
            st.PacketLength = Math.Max(st.PacketLength, (long)p.Value.UMin + range);
    }

    // ---------------------------------------------------------------- descriptions

    /// <summary>"a pointer to a map value of counts (8 bytes) at offset 4" and the like.</summary>
    internal string Describe(in RegisterValue v)
    {
        switch (v.Type)
        {
            case RegisterType.NotInit:
                return "not initialised";
            case RegisterType.Scalar:
                return v.Value.IsConst ? $"the number {Scalar.FormatConst(v.Value.ConstValue)}" : $"a number ({v.Value})";
            case RegisterType.Stack:
                return $"a stack pointer ({v.Format(MapName)})";
            case RegisterType.MapPtr:
                return v.MaybeNull ? $"an inner map of {MapNameOuter(v.Map)} or NULL" : $"the map {MapName(v.Map)}";
            case RegisterType.MapValue:
                return $"a pointer {(v.MaybeNull ? "to" : "into")} a value of map {MapName(v.Map)} ({_maps[v.Map].ValueSize} bytes){(v.Off != 0 || v.IsVariable ? $" at offset {OffsetText(v)}" : "")}{(v.MaybeNull ? " or NULL" : "")}";
            case RegisterType.Mem:
                return v.Range < 0 ? $"a pointer into the input buffer at offset {OffsetText(v)}" : $"{(v.MaybeNull ? "memory or NULL" : "a pointer to memory")} of {v.Range} bytes{(v.Off != 0 || v.IsVariable ? $" at offset {OffsetText(v)}" : "")}";
            case RegisterType.Packet:
                return $"a packet pointer (data + {OffsetText(v)}, {v.Range} bytes known readable)";
            default:
                return RegisterTypeNames.Words(v.Type, v.Flags);
        }
    }

    private string MapNameOuter(int inner)
    {
        foreach (var m in _maps)
        {
            if (m.InnerMap is not null && _maps.IndexOf(m.InnerMap) == inner)
                return m.Name;
        }
        return MapName(inner);
    }

    private static string OffsetText(in RegisterValue v) =>
        v.IsVariable ? (v.Off == 0 ? v.Value.ToString() : $"{v.Off} + {v.Value}") : v.Off.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string OriginNote(in RegisterValue v)
    {
        if (v.Origin < 0 || v.Origin >= _program.Length)
            return "";
        var insn = _program[v.Origin];
        if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.Call && insn.Src == (int)CallSource.Helper && HelperIds.NameOf(insn.Immediate) is { } name)
            return $", returned by {name} at pc {v.Origin}";
        return $", from pc {v.Origin}";
    }

    private string NullHint(in RegisterValue v, int reg)
    {
        string from = v.Type switch
        {
            RegisterType.MapValue => "bpf_map_lookup_elem",
            RegisterType.MapPtr => "bpf_map_lookup_elem (of a map of maps)",
            RegisterType.Mem => "bpf_ringbuf_reserve",
            _ => "the call that returned it",
        };
        return $"check r{reg} != NULL after {from}: `if (r{reg} == 0) goto <out>` (in C: `if (!ptr) return ...;`)";
    }
}
