using SharpBpf.Core;
using static Iced.Intel.AssemblerRegisters;

namespace SharpBpf.Runtime.Jit;

internal sealed partial class JitCompiler
{
    private void EmitAlu(Instruction insn)
    {
        bool is64 = insn.Class == Opcodes.ClassAlu64;
        bool x = OpcodeTable.UsesSrcRegister(insn.Opcode);
        int op = insn.Opcode & 0xf0;
        int d = HostOf[insn.Dst];
        if (op is Opcodes.Div or Opcodes.Mod)
        {
            bool signed = insn.Offset == 1;
            if (x)
                EmitDivisionByRegister(d, insn.Src, is64, op == Opcodes.Mod, signed);
            else if (signed)
                EmitSignedDivisionByConstant(d, insn.Immediate, is64, op == Opcodes.Mod);
            else
                EmitUnsignedDivisionByConstant(d, insn.Immediate, is64, op == Opcodes.Mod);
            return;
        }
        if (op is Opcodes.Lsh or Opcodes.Rsh or Opcodes.Arsh)
        {
            if (x)
                EmitShiftByRegister(d, insn.Src, is64, op);
            else
                EmitShiftByConstant(d, insn.Immediate & (is64 ? 63 : 31), is64, op);
            return;
        }
        if (x)
        {
            int s = Read(insn.Src, T2);
            if (is64)
            {
                var (dd, ss) = (G64[d], G64[s]);
                switch (op)
                {
                    case Opcodes.Add: _a.add(dd, ss); break;
                    case Opcodes.Sub: _a.sub(dd, ss); break;
                    case Opcodes.Mul: _a.imul(dd, ss); break;
                    case Opcodes.Or: _a.or(dd, ss); break;
                    case Opcodes.And: _a.and(dd, ss); break;
                    default: _a.xor(dd, ss); break;
                }
            }
            else
            {
                var (dd, ss) = (G32[d], G32[s]);
                switch (op)
                {
                    case Opcodes.Add: _a.add(dd, ss); break;
                    case Opcodes.Sub: _a.sub(dd, ss); break;
                    case Opcodes.Mul: _a.imul(dd, ss); break;
                    case Opcodes.Or: _a.or(dd, ss); break;
                    case Opcodes.And: _a.and(dd, ss); break;
                    default: _a.xor(dd, ss); break;
                }
            }
            return;
        }
        int imm = insn.Immediate;
        if (is64)
        {
            // x86 sign-extends imm32 in 64-bit operations, as eBPF does.
            var dd = G64[d];
            switch (op)
            {
                case Opcodes.Add: if (imm != 0) _a.add(dd, imm); break;
                case Opcodes.Sub: if (imm != 0) _a.sub(dd, imm); break;
                case Opcodes.Mul: EmitMultiplyByConstant(d, imm, true); break;
                case Opcodes.Or: if (imm != 0) _a.or(dd, imm); break;
                case Opcodes.And: if (imm != -1) _a.and(dd, imm); break;
                default: if (imm != 0) _a.xor(dd, imm); break;
            }
        }
        else
        {
            // 32-bit results are zero-extended, so even "w += 0" must write the register.
            var dd = G32[d];
            switch (op)
            {
                case Opcodes.Add: _a.add(dd, imm); break;
                case Opcodes.Sub: _a.sub(dd, imm); break;
                case Opcodes.Mul: EmitMultiplyByConstant(d, imm, false); break;
                case Opcodes.Or: _a.or(dd, imm); break;
                case Opcodes.And: _a.and(dd, imm); break;
                default: _a.xor(dd, imm); break;
            }
        }
    }

    private void EmitMultiplyByConstant(int d, int imm, bool is64)
    {
        if (imm == 1)
        {
            if (!is64)
                _a.mov(G32[d], G32[d]);
        }
        else if (imm > 0 && (imm & (imm - 1)) == 0)
        {
            int shift = System.Numerics.BitOperations.Log2((uint)imm);
            if (is64) _a.shl(G64[d], (byte)shift);
            else _a.shl(G32[d], (byte)shift);
        }
        else if (is64)
        {
            _a.imul(G64[d], G64[d], imm);
        }
        else
        {
            _a.imul(G32[d], G32[d], imm);
        }
    }

    private void EmitShiftByConstant(int d, int count, bool is64, int op)
    {
        if (count == 0)
        {
            if (!is64)
                _a.mov(G32[d], G32[d]);
            return;
        }
        if (is64)
        {
            switch (op)
            {
                case Opcodes.Lsh: _a.shl(G64[d], (byte)count); break;
                case Opcodes.Rsh: _a.shr(G64[d], (byte)count); break;
                default: _a.sar(G64[d], (byte)count); break;
            }
        }
        else
        {
            switch (op)
            {
                case Opcodes.Lsh: _a.shl(G32[d], (byte)count); break;
                case Opcodes.Rsh: _a.shr(G32[d], (byte)count); break;
                default: _a.sar(G32[d], (byte)count); break;
            }
        }
    }

    /// <summary>
    /// Shifts by a register: x86 masks the count to 5 or 6 bits exactly as eBPF does. BMI2's
    /// shlx/shrx/sarx take any count register; without them the count must be in cl (r4's rcx).
    /// </summary>
    private void EmitShiftByRegister(int d, int src, bool is64, int op)
    {
        if (_bmi2)
        {
            int s = Read(src, T2);
            if (is64)
            {
                switch (op)
                {
                    case Opcodes.Lsh: _a.shlx(G64[d], G64[d], G64[s]); break;
                    case Opcodes.Rsh: _a.shrx(G64[d], G64[d], G64[s]); break;
                    default: _a.sarx(G64[d], G64[d], G64[s]); break;
                }
            }
            else
            {
                switch (op)
                {
                    case Opcodes.Lsh: _a.shlx(G32[d], G32[d], G32[s]); break;
                    case Opcodes.Rsh: _a.shrx(G32[d], G32[d], G32[s]); break;
                    default: _a.sarx(G32[d], G32[d], G32[s]); break;
                }
            }
            return;
        }
        int target = d;
        bool countInCl = HostOf[src] == Rcx && src != 10;
        if (!countInCl)
        {
            // Save rcx (r4) in r11, put the count in cl; when the destination is r4 itself, shift
            // the saved copy. Either way "mov rcx, r11" then restores r4 or writes the result.
            _a.mov(r11, rcx);
            if (src == 10)
            {
                Read(10, Rcx);
            }
            else
            {
                _a.mov(ecx, G32[HostOf[src]]);
            }
            if (d == Rcx)
                target = T2;
        }
        if (is64)
        {
            switch (op)
            {
                case Opcodes.Lsh: _a.shl(G64[target], cl); break;
                case Opcodes.Rsh: _a.shr(G64[target], cl); break;
                default: _a.sar(G64[target], cl); break;
            }
        }
        else
        {
            switch (op)
            {
                case Opcodes.Lsh: _a.shl(G32[target], cl); break;
                case Opcodes.Rsh: _a.shr(G32[target], cl); break;
                default: _a.sar(G32[target], cl); break;
            }
            // A count of 0 leaves the register untouched on some CPUs; eBPF wants it zero-extended.
            _a.mov(G32[target], G32[target]);
        }
        if (!countInCl)
            _a.mov(rcx, r11);
    }

    private void EmitMov(Instruction insn)
    {
        bool is64 = insn.Class == Opcodes.ClassAlu64;
        int d = HostOf[insn.Dst];
        if (!OpcodeTable.UsesSrcRegister(insn.Opcode))
        {
            if (is64)
                MovImmediate(d, insn.Immediate);
            else
                MovImmediate(d, (uint)insn.Immediate);
            return;
        }
        // Offset 0 (or addr_space_cast, a plain move: one address space here) or movsx.
        short off = insn.Offset;
        if (is64 && off is 0 or Opcodes.AddrSpaceCastOffset)
        {
            if (insn.Src == 10)
                Read(10, d);
            else if (insn.Src != insn.Dst)
                _a.mov(G64[d], G64[HostOf[insn.Src]]);
            return;
        }
        int s = Read(insn.Src, d);
        switch (is64, off)
        {
            case (false, 0): _a.mov(G32[d], G32[s]); break;
            case (true, 8): _a.movsx(G64[d], G8[s]); break;
            case (true, 16): _a.movsx(G64[d], G16[s]); break;
            case (true, _): _a.movsxd(G64[d], G32[s]); break;
            case (false, 8): _a.movsx(G32[d], G8[s]); break;
            default: _a.movsx(G32[d], G16[s]); break;
        }
    }

    private void EmitEndian(Instruction insn)
    {
        int d = HostOf[insn.Dst];
        // eBPF is little-endian here: "to le" truncates, "to be" and bswap (ALU64) swap.
        bool toLe = insn.Opcode == (Opcodes.ClassAlu | Opcodes.End | Opcodes.SourceK);
        switch (toLe, insn.Immediate)
        {
            case (true, 16): _a.movzx(G32[d], G16[d]); break;
            case (true, 32): _a.mov(G32[d], G32[d]); break;
            case (true, _): break;
            case (false, 16):
                _a.ror(G16[d], (byte)8);
                _a.movzx(G32[d], G16[d]);
                break;
            case (false, 32): _a.bswap(G32[d]); break;
            default: _a.bswap(G64[d]); break;
        }
    }
}
