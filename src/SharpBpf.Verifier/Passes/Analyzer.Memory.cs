using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Verifier.Domains;

namespace SharpBpf.Verifier.Passes;

internal sealed partial class Analyzer
{
    private const int MaxPacketOff = 0xffff; // MAX_PACKET_OFF

    private Violation? CheckAccess(AbstractState st, int pc, Assertion a)
    {
        var insn = _program[pc];
        RegisterValue? stored = a.Access == AccessKind.Read ? null
            : a.ValueReg >= 0 ? st.Regs[a.ValueReg]
            : RegisterValue.Const((ulong)(long)insn.Immediate);
        return Access(st, pc, a.Reg, a.Offset, a.Size, a.Access, stored, a.ValueReg, apply: false, helper: null, out _);
    }

    private Violation? Memory(AbstractState st, int pc, Instruction insn)
    {
        var kind = OpcodeTable.KindOf(insn.Opcode);
        int size = Opcodes.SizeInBytes(insn.Opcode);
        var regs = st.Regs;
        switch (kind)
        {
            case InstructionKind.Load:
            case InstructionKind.LoadSx:
            {
                var v = Access(st, pc, insn.Src, insn.Offset, size, AccessKind.Read, null, -1, apply: true, helper: null, out var loaded);
                if (v is not null)
                    return v;
                if (kind == InstructionKind.LoadSx)
                    loaded = loaded.IsPointer ? RegisterValue.UnknownScalar(pc) : RegisterValue.OfScalar(loaded.Value.SignExtend(size * 8, false), pc);
                regs[insn.Dst] = loaded;
                return null;
            }
            case InstructionKind.Store:
                return Access(st, pc, insn.Dst, insn.Offset, size, AccessKind.Write, regs[insn.Src], insn.Src, apply: true, helper: null, out _);
            case InstructionKind.StoreImm:
                return Access(st, pc, insn.Dst, insn.Offset, size, AccessKind.Write, RegisterValue.Const((ulong)(long)insn.Immediate, pc), -1, apply: true, helper: null, out _);
            default: // Atomic
            {
                int imm = insn.Immediate;
                if (imm == Opcodes.AtomicLoadAcquire)
                {
                    var v = Access(st, pc, insn.Src, insn.Offset, size, AccessKind.Read, null, -1, apply: true, helper: null, out var loaded);
                    if (v is null)
                        regs[insn.Dst] = loaded;
                    return v;
                }
                if (imm == Opcodes.AtomicStoreRelease)
                    return Access(st, pc, insn.Dst, insn.Offset, size, AccessKind.Write, regs[insn.Src], insn.Src, apply: true, helper: null, out _);
                var r = Access(st, pc, insn.Dst, insn.Offset, size, AccessKind.Atomic, regs[insn.Src], insn.Src, apply: true, helper: null, out _);
                if (r is not null)
                    return r;
                if (imm == Opcodes.AtomicCmpXchg)
                    regs[0] = RegisterValue.OfScalar(Scalar.OfSize(size), pc);
                else if ((imm & Opcodes.AtomicFetch) != 0)
                    regs[insn.Src] = RegisterValue.OfScalar(Scalar.OfSize(size), pc);
                return null;
            }
        }
    }

    /// <summary>
    /// Checks (and with <paramref name="apply"/>, performs) an access of <paramref name="size"/>
    /// bytes at <paramref name="reg"/> + <paramref name="off"/> (check_mem_access). A load's value
    /// comes back in <paramref name="loaded"/>. <paramref name="helper"/> names the helper when the
    /// access is a helper's use of a pointer argument.
    /// </summary>
    private Violation? Access(AbstractState st, int pc, int reg, int off, int size, AccessKind kind, RegisterValue? stored, int valueReg,
        bool apply, string? helper, out RegisterValue loaded)
    {
        loaded = RegisterValue.UnknownScalar(pc);
        var p = st.Regs[reg];
        string verb = kind switch { AccessKind.Read => "read", AccessKind.Write => "write", _ => "atomically update" };
        string who = helper is null ? $"this {(kind == AccessKind.Read ? "load" : kind == AccessKind.Write ? "store" : "atomic operation")}" : helper;

        if (p.MaybeNull)
        {
            return new Violation(VerifierDiagnosticIds.NullDereference, "a pointer that may be NULL must be compared with NULL before it is used to access memory",
                $"r{reg} is {Describe(p)}{OriginNote(p)}, and {who} would {verb} through it without a NULL check",
                NullHint(p, reg), reg);
        }
        if (kind != AccessKind.Read && stored is { } sv && sv.IsPointer && !_opt.Privileged && p.Type is not RegisterType.Stack)
        {
            return new Violation(VerifierDiagnosticIds.PointerLeak, "a pointer (a kernel address) must not be stored where it outlives the program or is visible outside it",
                $"r{valueReg} is {Describe(sv)}; storing it into {Describe(p)} would leak the address",
                "store what the pointer points to, or an index, instead of the pointer", valueReg, reg);
        }
        switch (p.Type)
        {
            case RegisterType.Scalar:
                return new Violation(p.IsNull ? VerifierDiagnosticIds.NullDereference : VerifierDiagnosticIds.InvalidMemoryAccess,
                    "memory can be accessed only through a pointer the verifier knows (stack, context, map value, packet, ...)",
                    p.IsNull ? $"r{reg} is NULL (0); {who} would {verb} address {off}"
                        : $"r{reg} is {Describe(p)}, not a pointer; {who} would {verb} memory at an arbitrary address",
                    p.IsNull ? null : "a number made from a pointer is no longer a pointer; keep the pointer and add the offset to it", reg);
            case RegisterType.Ctx:
                return CtxAccess(st, pc, reg, p, off, size, kind, apply, helper, ref loaded);
            case RegisterType.Stack:
                return StackAccess(st, pc, reg, p, off, size, kind, stored, valueReg, apply, helper, ref loaded);
            case RegisterType.MapValue:
            case RegisterType.MapKey:
            case RegisterType.Mem:
                return BufferAccess(st, pc, reg, p, off, size, kind, apply, helper, ref loaded);
            case RegisterType.Packet:
            case RegisterType.PacketMeta:
                return PacketAccess(st, pc, reg, p, off, size, kind, apply, helper, ref loaded);
            default:
                return new Violation(VerifierDiagnosticIds.InvalidMemoryAccess, "memory can be accessed only through a pointer to memory",
                    $"r{reg} is {Describe(p)}; {who} cannot {verb} through it",
                    p.Type == RegisterType.PacketEnd ? "data_end only marks where the packet ends: compare packet pointers with it, read through data"
                    : p.Type == RegisterType.MapPtr ? "a map is used through helpers: bpf_map_lookup_elem(&map, &key) gives a pointer to a value" : null, reg);
        }
    }

    private Violation? CtxAccess(AbstractState st, int pc, int reg, RegisterValue p, int off, int size, AccessKind kind, bool apply, string? helper, ref RegisterValue loaded)
    {
        if (helper is not null)
            return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, "helpers take the context only where their prototype says so",
                $"{helper} would access the context through r{reg} as plain memory", null, reg);
        if (p.Off != 0 || p.IsVariable)
            return new Violation(VerifierDiagnosticIds.PointerArithmetic, "the context is accessed at constant offsets from the unmodified pointer",
                $"r{reg} is the context pointer moved by {OffsetText(p)}", null, reg);
        if (_ctx.IsMemoryConvention)
            return new Violation(VerifierDiagnosticIds.InvalidMemoryAccess, "memory can be accessed only through a pointer", "no context in this convention", null, reg);
        if (kind == AccessKind.Atomic)
            return new Violation(VerifierDiagnosticIds.InvalidContextAccess, "atomic operations apply to the stack, map values and memory, not to the context",
                $"atomic operation on {_ctx.StructName} at offset {off}", null, reg);
        var access = _ctx.Check(off, size, kind == AccessKind.Write);
        if (apply)
            NoteAccess(pc, MemoryRegionKind.Context, access.Allowed);
        if (!access.Allowed)
        {
            return new Violation(VerifierDiagnosticIds.InvalidContextAccess,
                $"a {UapiNames.NameOf(_ctx.Type)} program may {(kind == AccessKind.Write ? "write" : "read")} only the fields of {_ctx.StructName} its type allows, with their size",
                $"invalid {(kind == AccessKind.Write ? "write to" : "read of")} {_ctx.StructName} at offset {off}, size {size}: {access.Problem}",
                ContextHint(off, size), reg);
        }
        loaded = access.Result switch
        {
            RegisterType.Packet => RegisterValue.Pointer(RegisterType.Packet, origin: pc),
            RegisterType.PacketEnd => RegisterValue.Pointer(RegisterType.PacketEnd, origin: pc),
            RegisterType.PacketMeta => RegisterValue.Pointer(RegisterType.PacketMeta, origin: pc),
            _ => RegisterValue.OfScalar(Scalar.OfSize(size), pc),
        };
        return null;
    }

    private string? ContextHint(int off, int size)
    {
        var fields = _ctx.Fields;
        if (fields.Count == 0)
            return _ctx.RawWindow is { } w ? $"read aligned fields between offsets {w.From} and {w.To - 1}" : null;
        var near = fields.Where(f => f.Offset <= off).OrderByDescending(f => f.Offset).FirstOrDefault();
        return near is null ? null : $"the field at or before offset {off} is {near.Name} ({near.Size} bytes at offset {near.Offset})";
    }

    private Violation? StackAccess(AbstractState st, int pc, int reg, RegisterValue p, int off, int size, AccessKind kind,
        RegisterValue? stored, int valueReg, bool apply, string? helper, ref RegisterValue loaded)
    {
        var frame = st.Frames[p.Frame];
        var stack = frame.Stack;
        string where = p.Frame == st.Depth ? "the stack" : $"the stack of frame {p.Frame} (a caller)";
        long lo, hi; // range of start offsets
        if (!p.IsVariable)
        {
            lo = hi = (long)p.Off + off;
        }
        else
        {
            lo = p.Off + off + p.Value.SMin;
            hi = p.Off + off + p.Value.SMax;
            if (p.Value.SMin < -(1L << 29) || p.Value.SMax > 1L << 29)
                lo = long.MinValue / 4;
        }
        if (apply)
            NoteAccess(pc, MemoryRegionKind.Stack, true);
        if (lo < -StackState.FrameSize || hi + size > 0)
        {
            string bytes = size == 1 ? "1 byte" : $"{size} bytes";
            string range = lo == hi ? $"at fp{lo}..fp{hi + size - 1}" : $"somewhere in fp{lo}..fp{hi + size - 1}";
            string hint;
            if (lo != hi && lo >= -StackState.FrameSize)
            {
                // A variable offset: the index's bound is what is wrong, not the base.
                long room = -(p.Off + off) - size;
                hint = room >= 0
                    ? $"bound the index so that the access stays below fp: at most {room} here (`if (idx > {room}) return ...;`, or a mask that small)"
                    : "the base already leaves no room below fp: start the buffer lower";
            }
            else
            {
                hint = hi + size > 0 ? "the stack grows down: use negative offsets from r10 (fp-8, fp-16, ...)" : "the frame is 512 bytes; use a per-CPU array map for bigger buffers";
            }
            return new Violation(VerifierDiagnosticIds.OutOfBounds, "stack accesses must stay inside the 512-byte frame: between fp-512 and fp-1",
                $"{(helper ?? "this access")} would {(kind == AccessKind.Read ? "read" : "write")} {bytes} {range} of {where}", hint, reg);
        }
        if (helper is null)
        {
            // check_ptr_alignment: stack accesses are always strictly aligned.
            var t = p.Value.VarOff + Tnum.Const((ulong)(long)(p.Off + off));
            if (!t.IsAligned((ulong)size))
                return new Violation(VerifierDiagnosticIds.MisalignedAccess, "stack accesses must be aligned to their size",
                    $"{size}-byte access at fp{lo}{(lo != hi ? $"..fp{hi}" : "")} is not {size}-byte aligned", null, reg);
        }
        NoteStack(st, p.Frame, (int)-lo);
        if (kind == AccessKind.Read || kind == AccessKind.Atomic)
        {
            if ((!_opt.Privileged || kind == AccessKind.Atomic) && !stack.IsInitialised((int)lo, (int)(hi - lo) + size, out int bad))
            {
                return new Violation(VerifierDiagnosticIds.UninitializedStack, "stack memory must be written before it is read (it holds stale data from other programs)",
                    $"{(helper ?? "this load")} reads {(lo == hi ? $"{size} bytes at fp{lo}" : $"{size} bytes somewhere in fp{lo}..fp{hi + size - 1}")}, but fp{bad} was never written on this path",
                    helper is null ? $"initialise it first, e.g. `*(u64 *)(r10 - {-(bad & ~7)}) = 0`, or in C declare it `= {{}}`"
                        : "zero the buffer or the key before passing it (in C: `struct key k = {};` or __builtin_memset)", reg);
            }
        }
        if (p.IsVariable && stored is { } sp && sp.IsPointer && kind == AccessKind.Write)
            return new Violation(VerifierDiagnosticIds.OutOfBounds, "pointers can be spilled to the stack only at constant offsets",
                $"storing {Describe(sp)} at a variable stack offset", null, reg, valueReg);
        if (kind == AccessKind.Write && stored is { } sv)
        {
            if (sv.IsPointer && size != 8)
                return new Violation(VerifierDiagnosticIds.PointerLeak, "a pointer is spilled to the stack whole (8 bytes), never in part",
                    $"{size}-byte store of r{valueReg} ({Describe(sv)})", "store pointers with *(u64 *)", valueReg);
            if (sv.Type == RegisterType.Stack && sv.Frame > p.Frame)
                return new Violation(VerifierDiagnosticIds.PointerLeak, "a pointer to a callee's stack must not be kept in a caller's frame: it dangles once the callee returns",
                    $"storing {Describe(sv)} into frame {p.Frame}", null, valueReg);
        }
        if (!apply)
            return null;
        if (!p.IsVariable)
        {
            int o = (int)lo;
            switch (kind)
            {
                case AccessKind.Read:
                    loaded = stack.Read(o, size, out bool partial);
                    if (partial && !_opt.Privileged)
                        return new Violation(VerifierDiagnosticIds.PointerLeak, "a spilled pointer is read back whole or not at all",
                            $"this load reads {size} bytes of the pointer spilled at fp{o & ~7}", "load it with *(u64 *)", reg);
                    if (loaded.Type == RegisterType.Scalar && loaded.Origin < 0)
                        loaded = loaded with { Origin = pc };
                    break;
                case AccessKind.Write:
                {
                    var value = stored!.Value;
                    if (valueReg >= 0 && value.Type == RegisterType.Scalar && !value.Value.IsConst && value.Id == 0 &&
                        (size == 8 || value.Value.UMax < 1UL << (8 * size)))
                    {
                        // The spilled copy and the register stay linked: a comparison on one refines the other
                        // (the kernel's assign_scalar_id_before_mov on spills).
                        value = value with { Id = FreshId() };
                        st.Regs[valueReg] = value;
                    }
                    stack.Write(o, size, value);
                    break;
                }
                default:
                    stack.Write(o, size, RegisterValue.OfScalar(Scalar.OfSize(size), pc));
                    break;
            }
        }
        else
        {
            if (kind == AccessKind.Read)
            {
                loaded = RegisterValue.OfScalar(Scalar.OfSize(size), pc);
                for (long o = lo; o <= hi + size - 1; o++)
                {
                    if (stack.SpillAt((int)o) is { } s && s.Value.IsPointer && !_opt.Privileged)
                        return new Violation(VerifierDiagnosticIds.PointerLeak, "a spilled pointer is read back whole, at a constant offset",
                            $"a variable-offset load may read the pointer spilled at fp{o & ~7}", null, reg);
                }
            }
            else
            {
                bool zero = stored is { } z && z.IsNull && kind == AccessKind.Write;
                stack.WriteVariable((int)lo, (int)hi, size, zero, _opt.Privileged);
            }
        }
        return null;
    }

    private Violation? BufferAccess(AbstractState st, int pc, int reg, RegisterValue p, int off, int size, AccessKind kind, bool apply, string? helper, ref RegisterValue loaded)
    {
        long capacity;
        string what;
        MemoryRegionKind region;
        MapDefinition? map = null;
        switch (p.Type)
        {
            case RegisterType.MapValue:
                map = _maps[p.Map];
                capacity = map.ValueSize;
                what = $"the value of map {map.Name} ({capacity} bytes)";
                region = MemoryRegionKind.Map;
                break;
            case RegisterType.MapKey:
                map = _maps[p.Map];
                capacity = map.KeySize;
                what = $"the key of map {map.Name} ({capacity} bytes)";
                region = MemoryRegionKind.Map;
                break;
            default:
                capacity = p.Range >= 0 ? p.Range : st.InputLength;
                what = p.Range >= 0 ? $"a memory block of {capacity} bytes" : $"the input buffer (known to have at least {capacity} bytes on this path)";
                region = MemoryRegionKind.Memory;
                break;
        }
        if (p.Value.SMin < 0)
        {
            return new Violation(VerifierDiagnosticIds.OutOfBounds, "a variable offset into memory must be known not to be negative",
                $"r{reg} is {Describe(p)}; its variable offset can be negative ({p.Value})",
                "use an unsigned index, or check it: `if (idx < 0) return ...;` / `idx &= N - 1`", reg);
        }
        long lo = (long)p.Off + off + p.Value.SMin;
        long hi = (long)p.Off + off + (long)Math.Min(p.Value.UMax, 1UL << 40);
        bool inBounds = lo >= 0 && hi + size <= capacity;
        if (apply)
            NoteAccess(pc, region, inBounds);
        if (!inBounds)
        {
            string span = lo == hi ? $"bytes {lo}..{lo + size - 1}" : $"up to byte {hi + size - 1} (offset {lo}..{hi}, size {size})";
            string? hint = p.Type == RegisterType.Mem && p.Range < 0
                ? $"compare the length first: `if (r2 < {hi + size}) goto <out>` (or an index against the length)"
                : p.IsVariable ? $"bound the index so that offset + {size} <= {capacity}: the variable part may be at most {Math.Max(0, capacity - size - p.Off - off)} here, but it can be {(long)Math.Min(p.Value.UMax, 1UL << 40)} (an off-by-one `<=`? check `if (idx >= N) return ...;` against the element count)"
                : null;
            return new Violation(p.Type == RegisterType.Mem && p.Range < 0 ? VerifierDiagnosticIds.OutOfBounds : VerifierDiagnosticIds.OutOfBounds,
                "an access must lie inside the object the pointer points into",
                $"{(helper ?? "this access")} would {(kind == AccessKind.Read ? "read" : "write")} {span} of {what}", hint, reg);
        }
        if (kind != AccessKind.Read)
        {
            bool ro = map is not null ? map.ReadOnlyForProgram || p.Type == RegisterType.MapKey : (p.Flags & RegisterFlags.ReadOnly) != 0;
            if (ro)
                return new Violation(VerifierDiagnosticIds.ReadOnlyWrite, "read-only memory cannot be written (BPF_F_RDONLY_PROG maps, .rodata, keys)",
                    $"{(helper ?? "this store")} writes into {what}, which is read-only for the program", null, reg);
        }
        if (apply && kind == AccessKind.Read)
        {
            if (map?.FrozenContents is { } data && !p.IsVariable && size <= 8 && lo + size <= data.Length)
            {
                // A frozen read-only map reads as constants (bpf_map_direct_read).
                ulong v = size switch
                {
                    1 => data[lo],
                    2 => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)lo)),
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)lo)),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan((int)lo)),
                };
                loaded = RegisterValue.Const(v, pc);
            }
            else
            {
                loaded = RegisterValue.OfScalar(Scalar.OfSize(size), pc);
            }
        }
        return null;
    }

    private Violation? PacketAccess(AbstractState st, int pc, int reg, RegisterValue p, int off, int size, AccessKind kind, bool apply, string? helper, ref RegisterValue loaded)
    {
        if (!_ctx.PacketRead)
            return new Violation(VerifierDiagnosticIds.InvalidMemoryAccess, "direct packet access is allowed only in program types that have it",
                $"{UapiNames.NameOf(_ctx.Type)} programs cannot read the packet directly", "use bpf_skb_load_bytes()", reg);
        if (kind == AccessKind.Atomic)
            return new Violation(VerifierDiagnosticIds.InvalidMemoryAccess, "atomic operations apply to the stack, map values and memory, not to packets",
                $"atomic operation on {Describe(p)}", null, reg);
        if (kind == AccessKind.Write && !_ctx.PacketWrite)
            return new Violation(VerifierDiagnosticIds.ReadOnlyWrite, "packet data is read-only for this program type",
                $"{UapiNames.NameOf(_ctx.Type)} programs cannot write the packet", null, reg);
        if (p.Value.SMin < 0)
            return new Violation(VerifierDiagnosticIds.PacketOutOfBounds, "a variable offset into the packet must be known not to be negative",
                $"r{reg} is {Describe(p)}; its variable part can be negative ({p.Value})", "use an unsigned offset, or check `if (off < 0)`", reg);
        long start = (long)p.Off + off;
        bool inBounds = start >= 0 && p.Value.UMax + (ulong)Math.Max(0, start) < MaxPacketOff &&
            (start + size <= p.Range || p.Type == RegisterType.Packet && (long)p.Value.UMax + start + size <= st.PacketLength);
        if (apply)
            NoteAccess(pc, MemoryRegionKind.Packet, inBounds);
        if (!inBounds)
        {
            string end = p.Type == RegisterType.PacketMeta ? "data" : "data_end";
            string basePtr = p.IsVariable ? $"data + ({p.Value})" : "data";
            string known = p.Range == 0 ? $"nothing is known to be readable there: no comparison with {end} has been made for this pointer"
                : $"only {p.Range} bytes from {basePtr} are known to be before {end}";
            if (p.IsVariable && p.Type == RegisterType.Packet && st.PacketLength > 0)
                known += $" (and {st.PacketLength} bytes from data, while the offset can reach {(long)p.Value.UMax + start + size})";
            string hint = $"compare before reading: `if ({basePtr} + {start + size} > {end}) return XDP_DROP;`" +
                (p.IsVariable ? " (with this variable offset, compare the moved pointer itself)" : "");
            return new Violation(VerifierDiagnosticIds.PacketOutOfBounds,
                $"packet bytes can be {(kind == AccessKind.Read ? "read" : "written")} only after a comparison with {end} proved they exist",
                $"{(helper ?? "this access")} would {(kind == AccessKind.Read ? "read" : "write")} bytes {start}..{start + size - 1} from {basePtr}, but {known}",
                hint, reg);
        }
        if (apply && kind == AccessKind.Read)
            loaded = RegisterValue.OfScalar(Scalar.OfSize(size), pc);
        return null;
    }

    // ---------------------------------------------------------------- LD_ABS / LD_IND

    private Violation? CheckLegacyLoad(AbstractState st, int pc)
    {
        var insn = _program[pc];
        if (!_ctx.IsMemoryConvention && st.Regs[6].Type != RegisterType.Ctx)
            return new Violation(VerifierDiagnosticIds.InvalidMemoryAccess, "LD_ABS and LD_IND read the socket buffer that r6 must hold",
                $"r6 is {Describe(st.Regs[6])}, not the context", "keep the context in r6: `r6 = r1` at the start", 6);
        if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.LoadInd && st.Regs[insn.Src].IsPointer)
            return new Violation(VerifierDiagnosticIds.InvalidMemoryAccess, "the offset of LD_IND is a number",
                $"r{insn.Src} is {Describe(st.Regs[insn.Src])}", null, insn.Src);
        return null;
    }

    private Violation? LegacyLoad(AbstractState st, int pc, Instruction insn)
    {
        int size = Opcodes.SizeInBytes(insn.Opcode);
        var regs = st.Regs;
        for (int r = 1; r <= 5; r++)
            regs[r] = RegisterValue.NotInit;
        // Out of bounds ends the program with r0 = 0 at run time; the access itself is checked then.
        regs[0] = RegisterValue.OfScalar(Scalar.OfSize(size), pc);
        NoteAccess(pc, _ctx.IsMemoryConvention ? MemoryRegionKind.Memory : MemoryRegionKind.Packet, false);
        return null;
    }
}
