using Iced.Intel;
using SharpBpf.Core;
using Instruction = SharpBpf.Core.Instruction;
using static Iced.Intel.AssemblerRegisters;

namespace SharpBpf.Runtime.Jit;

internal sealed partial class JitCompiler
{
    /// <summary>Where an access's bytes are: host register (+ index register, when not -1) + displacement.</summary>
    private readonly record struct HostAddress(int Register, int Displacement, int Index = -1);

    /// <summary>The memory operand of an access of <paramref name="size"/> bytes at <paramref name="at"/>.</summary>
    private static AssemblerMemoryOperand Ptr(int size, HostAddress at)
    {
        if (at.Index < 0)
            return Ptr(size, at.Register, at.Displacement);
        var b = G64[at.Register];
        var x = G64[at.Index];
        return size switch
        {
            1 => __byte_ptr[b + x + at.Displacement],
            2 => __word_ptr[b + x + at.Displacement],
            4 => __dword_ptr[b + x + at.Displacement],
            _ => __qword_ptr[b + x + at.Displacement],
        };
    }

    private bool IsProven(int i) => _g.SlotOf[i] < _proven.Length && _proven[_g.SlotOf[i]];

    /// <summary>
    /// A plain load or store. <paramref name="covered"/>: a window check already covered it and r10
    /// holds its base's host address. <paramref name="checkedAccess"/>: check it against the
    /// table whatever the analysis said (the precise copy of a window).
    /// </summary>
    private void EmitMemory(int i, Instruction insn, bool covered = false, bool checkedAccess = false)
    {
        var kind = OpcodeTable.KindOf(insn.Opcode);
        int size = Opcodes.SizeInBytes(insn.Opcode);
        bool store = kind is InstructionKind.Store or InstructionKind.StoreImm;
        int baseRegister = store ? insn.Dst : insn.Src;
        HostAddress at;
        if (covered)
        {
            at = new HostAddress(T1, insn.Offset);
        }
        else if (checkedAccess)
        {
            var fault = new FaultSite(store ? FaultKind.Store : FaultKind.Load, _g.SlotOf[i], i, size);
            short off = insn.Offset;
            CheckAgainstTable(baseRegister, off, size, store, FaultStub(fault, () => LoadAddress(baseRegister, off)));
            _a.add(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
            at = new HostAddress(T1, -size);
        }
        else
        {
            at = Translate(i, baseRegister, insn.Offset, size, store);
        }
        var m = Ptr(size, at);
        if (kind == InstructionKind.StoreImm)
        {
            // The imm is sign-extended to 64 bits, truncated to the size: what x86 stores too.
            switch (size)
            {
                case 1: _a.mov(m, (byte)insn.Immediate); break;
                case 2: _a.mov(m, (short)insn.Immediate); break;
                default: _a.mov(m, insn.Immediate); break;
            }
            return;
        }
        if (kind == InstructionKind.Store)
        {
            // Translation is done with r11; the stored value may be r10 (the program's frame pointer).
            int s = Read(insn.Src, T2);
            switch (size)
            {
                case 1: _a.mov(m, G8[s]); break;
                case 2: _a.mov(m, G16[s]); break;
                case 4: _a.mov(m, G32[s]); break;
                default: _a.mov(m, G64[s]); break;
            }
            return;
        }
        int d = HostOf[insn.Dst];
        EmitLoad(d, m, size, kind == InstructionKind.LoadSx);
    }

    private void EmitLoad(int d, AssemblerMemoryOperand m, int size, bool signExtend)
    {
        switch (size, signExtend)
        {
            case (1, false): _a.movzx(G32[d], m); break;
            case (2, false): _a.movzx(G32[d], m); break;
            case (4, false): _a.mov(G32[d], m); break;
            case (8, _): _a.mov(G64[d], m); break;
            case (1, true): _a.movsx(G64[d], m); break;
            case (2, true): _a.movsx(G64[d], m); break;
            default: _a.movsxd(G64[d], m); break;
        }
    }

    /// <summary>
    /// Bounds-checks the access (base + off, size bytes) exactly as the interpreter's Access does
    /// and returns where its bytes are. Four forms, cheapest first:
    /// r10 with -512 &lt;= off and off + size &lt;= 0 is inside the current frame at every depth,
    /// so it is [rbp + off]; a verifier-proven access is translated without checks; an access whose
    /// base register's cache slot is valid compares against the slot's room; anything else goes
    /// through the region table (and stores the slot when a later access will use it).
    /// </summary>
    private HostAddress Translate(int i, int baseRegister, short off, int size, bool write, bool cacheable = true)
    {
        if (baseRegister == 10 && off >= -MemoryMap.StackPerFrame && off + size <= 0)
            return new HostAddress(Rbp, off);
        if (IsProven(i))
        {
            var region = _g.ProvenRegionOf(i);
            if (region != ProvenRegion.Any && baseRegister != 10)
            {
                // A proven access in a known region: host = address + that region's bias, which
                // r10 keeps for back-to-back accesses to the region.
                int tag = region == ProvenRegion.Stack ? R10HoldsStackBias : R10HoldsBufferBias;
                if (_r10Base != tag)
                    _a.mov(r10, Header(region == ProvenRegion.Stack ? JitFrame.StackBiasOffset : JitFrame.BufferBiasOffset));
                _r10Base = tag;
                return new HostAddress(HostOf[baseRegister], off, T1);
            }
            _r10Base = -1;
            LoadAddress(baseRegister, off);
            _a.mov(r11, r10);
            _a.shr(r11, (byte)32);
            _a.lea(r11, __[r11 + r11 * 2]);
            _a.add(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
            return new HostAddress(T1, 0);
        }
        var fault = new FaultSite(write ? FaultKind.Store : FaultKind.Load, _g.SlotOf[i], i, size);
        Label faultStub = FaultStub(fault, () => LoadAddress(baseRegister, off));
        if (cacheable && _g.Cached[i])
        {
            var check = _g.Checks[i];
            if (check == SlotCheck.None)
            {
                // Earlier checks on this base value cover these bytes.
                if (_r10Base != baseRegister)
                    _a.mov(r10, Slot(baseRegister, CacheSlot.Host));
                _r10Base = baseRegister;
                return new HostAddress(T1, off);
            }
            var resume = _a.CreateLabel();
            var slow = Cold(() =>
            {
                // The slot does not cover this offset: check against the table (faulting if the
                // access really is out of bounds), then continue as the fast path would, with
                // r10 = the base's host address.
                CheckAgainstTable(baseRegister, off, size, write, faultStub);
                _a.add(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
                _a.sub(r10, size + off);
                _a.jmp(resume);
            });
            if ((check & SlotCheck.Room) != 0)
            {
                _a.cmp(Slot(baseRegister, write ? CacheSlot.WriteRoom : CacheSlot.ReadRoom), off + size);
                _a.jl(slow);
            }
            if ((check & SlotCheck.Below) != 0)
            {
                _a.cmp(Slot(baseRegister, CacheSlot.Below), -off);
                _a.jl(slow);
            }
            if (_r10Base != baseRegister)
                _a.mov(r10, Slot(baseRegister, CacheSlot.Host));
            DefineLabel(ref resume);
            _r10Base = baseRegister;
            return new HostAddress(T1, off);
        }
        _r10Base = -1;
        CheckAgainstTable(baseRegister, off, size, write, faultStub);
        if (cacheable && _g.StoresSlot[i])
        {
            StoreSlot(baseRegister, off, size);
            _r10Base = baseRegister;
            return new HostAddress(T1, off);
        }
        _a.add(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
        return new HostAddress(T1, -size);
    }

    /// <summary>r10 = base + off as a program address (64-bit wrap, as the interpreter adds).</summary>
    private void LoadAddress(int baseRegister, short off)
    {
        if (baseRegister == 10)
        {
            _a.lea(r10, __[rbp + off]);
            _a.sub(r10, Header(JitFrame.StackBiasOffset));
        }
        else
        {
            _a.lea(r10, __[G64[HostOf[baseRegister]] + off]);
        }
    }

    /// <summary>
    /// The region-table check: address below (count &lt;&lt; 32), then address + size at most the
    /// region's limit (its write limit for stores). Leaves r10 = address + size, r11 = 3 * region.
    /// </summary>
    private void CheckAgainstTable(int baseRegister, short off, int size, bool write, Label fault)
    {
        LoadAddress(baseRegister, off);
        CheckAddressInR10(size, write, fault);
    }

    private void CheckAddressInR10(int size, bool write, Label fault)
    {
        _a.cmp(r10, Header(JitFrame.AddressLimitOffset));
        _a.jae(fault);
        _a.mov(r11, r10);
        _a.shr(r11, (byte)32);
        _a.lea(r11, __[r11 + r11 * 2]);
        _a.add(r10, size);
        _a.cmp(r10, __qword_ptr[r9 + r11 * 8 + (write ? RegionDescriptor.WriteLimit : RegionDescriptor.Limit)]);
        _a.ja(fault);
    }

    /// <summary>
    /// After a table check (r10 = address + size, r11 = 3 * region): fills the base register's
    /// cache slot relative to its value and leaves r10 = the host address of the base. A base
    /// that is not itself in the region (base + off crossed a 4 GiB boundary) gets rooms no access
    /// passes, so its later accesses take the slow path.
    /// </summary>
    private void StoreSlot(int baseRegister, short off, int size)
    {
        var b = G64[HostOf[baseRegister]];
        var fields = _g.FieldsUsed[baseRegister];
        if (fields != SlotFields.None)
        {
            bool rooms = (fields & (SlotFields.ReadRoom | SlotFields.WriteRoom)) != 0;
            var resume = _a.CreateLabel();
            // below = (u32)address - off: the bytes of the region before the base.
            _a.mov(r10d, r10d);
            _a.sub(r10, size + off);
            if (rooms)
            {
                _a.js(Cold(() =>
                {
                    if ((fields & SlotFields.ReadRoom) != 0)
                        _a.mov(Slot(baseRegister, CacheSlot.ReadRoom), int.MinValue);
                    if ((fields & SlotFields.WriteRoom) != 0)
                        _a.mov(Slot(baseRegister, CacheSlot.WriteRoom), int.MinValue);
                    _a.jmp(resume);
                }));
            }
            if ((fields & SlotFields.Below) != 0)
                _a.mov(Slot(baseRegister, CacheSlot.Below), r10);
            if ((fields & SlotFields.ReadRoom) != 0)
            {
                _a.mov(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Limit]);
                _a.sub(r10, b);
                _a.mov(Slot(baseRegister, CacheSlot.ReadRoom), r10);
            }
            if ((fields & SlotFields.WriteRoom) != 0)
            {
                _a.mov(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.WriteLimit]);
                _a.sub(r10, b);
                _a.mov(Slot(baseRegister, CacheSlot.WriteRoom), r10);
            }
            DefineLabel(ref resume);
        }
        _a.mov(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
        _a.add(r10, b);
        _a.mov(Slot(baseRegister, CacheSlot.Host), r10);
    }

    /// <summary>
    /// LD_ABS / LD_IND: r0 = big-endian bytes at offset imm (+ u32 src) of the packet region; out
    /// of bounds ends the program with r0 = 0 and no error, as Linux does.
    /// </summary>
    private void EmitPacketLoad(int i, Instruction insn)
    {
        int size = Opcodes.SizeInBytes(insn.Opcode);
        var miss = FaultStub(new FaultSite(FaultKind.PacketMiss, _g.SlotOf[i], i + 1));
        if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.LoadInd)
        {
            int s = Read(insn.Src, T1);
            _a.mov(r10d, G32[s]);
            if (insn.Immediate != 0)
                _a.add(r10, insn.Immediate);
        }
        else
        {
            MovImmediate(T1, insn.Immediate);
        }
        // The offset must be 0..2^32-1 (a negative sum is out of bounds too).
        _a.mov(r11, r10);
        _a.shr(r11, (byte)32);
        _a.jne(miss);
        _a.or(r10, Header(JitFrame.PacketAddressOffset));
        CheckAddressInR10(size, false, miss);
        _a.add(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
        switch (size)
        {
            case 1:
                _a.movzx(eax, __byte_ptr[r10 - 1]);
                break;
            case 2:
                _a.movzx(eax, __word_ptr[r10 - 2]);
                _a.rol(ax, (byte)8);
                break;
            default:
                _a.mov(eax, __dword_ptr[r10 - 4]);
                _a.bswap(eax);
                break;
        }
    }

    /// <summary>
    /// Atomic read-modify-write, exchange, compare-exchange, load-acquire and store-release.
    /// x86 is TSO: plain loads acquire and plain stores release. RMW operations check the
    /// alignment of the host address, as the interpreter does (after the bounds check).
    /// </summary>
    private void EmitAtomic(int i, Instruction insn)
    {
        int size = Opcodes.SizeInBytes(insn.Opcode);
        int op = insn.Immediate;
        if (op == Opcodes.AtomicLoadAcquire)
        {
            var at = Translate(i, insn.Src, insn.Offset, size, false, cacheable: false);
            EmitLoad(HostOf[insn.Dst], Ptr(size, at), size, false);
            return;
        }
        var where = Translate(i, insn.Dst, insn.Offset, size, true, cacheable: false);
        if (op == Opcodes.AtomicStoreRelease)
        {
            int v = Read(insn.Src, T2);
            var m = Ptr(size, where);
            switch (size)
            {
                case 1: _a.mov(m, G8[v]); break;
                case 2: _a.mov(m, G16[v]); break;
                case 4: _a.mov(m, G32[v]); break;
                default: _a.mov(m, G64[v]); break;
            }
            return;
        }
        // RMW: get the host address into r10 exactly (the rbp form is the only one that is not).
        if (where.Index >= 0)
            _a.lea(r10, __[G64[where.Register] + G64[where.Index] + where.Displacement]);
        else if (where.Register != T1)
            _a.lea(r10, __[G64[where.Register] + where.Displacement]);
        else if (where.Displacement != 0)
            _a.lea(r10, __[r10 + where.Displacement]);
        short off = insn.Offset;
        int dst = insn.Dst;
        _a.test(r10d, size - 1);
        _a.jne(FaultStub(new FaultSite(FaultKind.Misaligned, _g.SlotOf[i], i, size), () => LoadAddress(dst, off)));
        var mem = size == 4 ? __dword_ptr[r10] : __qword_ptr[r10];
        bool is64 = size == 8;
        int s = Read(insn.Src, T2);
        switch (op)
        {
            case 0x00:
                if (is64) _a.@lock.add(mem, G64[s]); else _a.@lock.add(mem, G32[s]);
                break;
            case 0x40:
                if (is64) _a.@lock.or(mem, G64[s]); else _a.@lock.or(mem, G32[s]);
                break;
            case 0x50:
                if (is64) _a.@lock.and(mem, G64[s]); else _a.@lock.and(mem, G32[s]);
                break;
            case 0xa0:
                if (is64) _a.@lock.xor(mem, G64[s]); else _a.@lock.xor(mem, G32[s]);
                break;
            case 0x01:
                // Fetch forms leave the old value, zero-extended, in src (RFC 9669, 5.3).
                if (is64) _a.@lock.xadd(mem, G64[s]); else _a.@lock.xadd(mem, G32[s]);
                break;
            case Opcodes.AtomicXchg:
                if (is64) _a.xchg(mem, G64[s]); else _a.xchg(mem, G32[s]);
                break;
            case Opcodes.AtomicCmpXchg:
                // Compares with r0 (rax) and leaves the old value in r0, zero-extended.
                if (is64)
                {
                    _a.@lock.cmpxchg(mem, G64[s]);
                }
                else
                {
                    _a.@lock.cmpxchg(mem, G32[s]);
                    _a.mov(eax, eax);
                }
                break;
            default:
                EmitFetchLogic(op, s, mem, is64);
                break;
        }
    }

    /// <summary>Fetch-or/and/xor: a cmpxchg loop in rax (r0 saved in the header).</summary>
    private void EmitFetchLogic(int op, int s, AssemblerMemoryOperand mem, bool is64)
    {
        var spill = Header(JitFrame.Spill0Offset);
        _a.mov(spill, rax);
        var loop = _a.CreateLabel();
        if (is64) _a.mov(rax, mem); else _a.mov(eax, mem);
        DefineLabel(ref loop);
        if (is64)
        {
            _a.mov(r11, rax);
            if (s == Rax) Logic64(op, r11, spill); else Logic64(op, r11, G64[s]);
            _a.@lock.cmpxchg(mem, r11);
        }
        else
        {
            _a.mov(r11d, eax);
            if (s == Rax) Logic32(op, r11d, __dword_ptr[r9 + JitFrame.Disp(JitFrame.Spill0Offset)]); else Logic32(op, r11d, G32[s]);
            _a.@lock.cmpxchg(mem, r11d);
        }
        _a.jne(loop);
        if (s == Rax)
            return; // the old value is the result, already in rax
        if (is64) _a.mov(G64[s], rax); else _a.mov(G32[s], eax);
        _a.mov(rax, spill);
    }

    private void Logic64(int op, AssemblerRegister64 d, AssemblerRegister64 s)
    {
        switch (op)
        {
            case 0x41: _a.or(d, s); break;
            case 0x51: _a.and(d, s); break;
            default: _a.xor(d, s); break;
        }
    }

    private void Logic64(int op, AssemblerRegister64 d, AssemblerMemoryOperand s)
    {
        switch (op)
        {
            case 0x41: _a.or(d, s); break;
            case 0x51: _a.and(d, s); break;
            default: _a.xor(d, s); break;
        }
    }

    private void Logic32(int op, AssemblerRegister32 d, AssemblerRegister32 s)
    {
        switch (op)
        {
            case 0x41: _a.or(d, s); break;
            case 0x51: _a.and(d, s); break;
            default: _a.xor(d, s); break;
        }
    }

    private void Logic32(int op, AssemblerRegister32 d, AssemblerMemoryOperand s)
    {
        switch (op)
        {
            case 0x41: _a.or(d, s); break;
            case 0x51: _a.and(d, s); break;
            default: _a.xor(d, s); break;
        }
    }
}
