using System.Numerics;
using static Iced.Intel.AssemblerRegisters;

namespace SharpBpf.Runtime.Jit;

internal sealed partial class JitCompiler
{
    /// <summary>
    /// dst (s)div/(s)mod src with RFC 9669's results where x86 would trap: x / 0 = 0, x % 0 = x,
    /// INT_MIN / -1 = INT_MIN (-x wraps), x % -1 = 0. div needs rdx:rax, which hold r3 and r0:
    /// rax is saved in r10 and rdx in the header around it.
    /// </summary>
    private void EmitDivisionByRegister(int d, int src, bool is64, bool mod, bool signed)
    {
        var divisor64 = r11;
        var divisor32 = r11d;
        if (src == 10)
            Read(10, T2);
        else if (is64)
            _a.mov(divisor64, G64[HostOf[src]]);
        else
            _a.mov(divisor32, G32[HostOf[src]]);
        var done = _a.CreateLabel();
        if (is64) _a.test(divisor64, divisor64);
        else _a.test(divisor32, divisor32);
        _a.je(Cold(() =>
        {
            EmitDivideByZero(d, is64, mod);
            _a.jmp(done);
        }));
        if (signed)
        {
            if (is64) _a.cmp(divisor64, -1);
            else _a.cmp(divisor32, -1);
            _a.je(Cold(() =>
            {
                EmitSignedDivideByMinusOne(d, is64, mod);
                _a.jmp(done);
            }));
        }
        EmitHardwareDivide(d, is64, mod, signed);
        DefineLabel(ref done);
    }

    /// <summary>Signed division by a constant: the special divisors are decided at compile time, the rest is idiv.</summary>
    private void EmitSignedDivisionByConstant(int d, int imm, bool is64, bool mod)
    {
        if (imm == 0)
            EmitDivideByZero(d, is64, mod);
        else if (imm == -1)
            EmitSignedDivideByMinusOne(d, is64, mod);
        if (imm is 0 or -1)
            return;
        _a.mov(r11, imm);
        EmitHardwareDivide(d, is64, mod, signed: true);
    }

    /// <summary>By zero: div gives 0, mod leaves the dividend (zero-extended in 32-bit).</summary>
    private void EmitDivideByZero(int d, bool is64, bool mod)
    {
        if (!mod)
            _a.xor(G32[d], G32[d]);
        else if (!is64)
            _a.mov(G32[d], G32[d]);
    }

    /// <summary>By -1 (signed): div negates (INT_MIN stays INT_MIN), mod gives 0.</summary>
    private void EmitSignedDivideByMinusOne(int d, bool is64, bool mod)
    {
        if (mod)
            _a.xor(G32[d], G32[d]);
        else if (is64)
            _a.neg(G64[d]);
        else
            _a.neg(G32[d]);
    }

    /// <summary>
    /// dst = dst (s)div/(s)mod r11 with div/idiv, the divisor known not to trap (not 0, and not -1
    /// for signed). div takes rdx:rax, which hold r3 and r0: rax is kept in r10 and rdx in the
    /// header around it. 32-bit div/idiv write eax and edx, so results are already zero-extended.
    /// </summary>
    private void EmitHardwareDivide(int d, bool is64, bool mod, bool signed)
    {
        var spill = Header(JitFrame.Spill0Offset);
        if (d != Rax)
        {
            _a.mov(r10, rax);
            _a.mov(rax, G64[d]);
        }
        if (d != Rdx)
            _a.mov(spill, rdx);
        switch (is64, signed)
        {
            case (true, true):
                _a.cqo();
                _a.idiv(r11);
                break;
            case (true, false):
                _a.xor(edx, edx);
                _a.div(r11);
                break;
            case (false, true):
                _a.cdq();
                _a.idiv(r11d);
                break;
            default:
                _a.xor(edx, edx);
                _a.div(r11d);
                break;
        }
        int result = mod ? Rdx : Rax;
        if (d != result)
            _a.mov(G64[d], G64[result]);
        if (d != Rax)
            _a.mov(rax, r10);
        if (d != Rdx)
            _a.mov(rdx, spill);
    }

    /// <summary>
    /// Unsigned division by a constant (64-bit: the sign-extended imm; 32-bit: imm as u32) without
    /// div: shifts and masks for powers of two, otherwise a multiply by the divisor's magic
    /// (<see cref="DivisionMagic"/>); mod is x - q * divisor.
    /// </summary>
    private void EmitUnsignedDivisionByConstant(int d, int imm, bool is64, bool mod)
    {
        ulong divisor = is64 ? (ulong)(long)imm : (uint)imm;
        if (divisor == 0)
        {
            EmitDivideByZero(d, is64, mod);
            return;
        }
        if (divisor == 1)
        {
            if (mod)
                _a.xor(G32[d], G32[d]);
            else if (!is64)
                _a.mov(G32[d], G32[d]);
            return;
        }
        if (BitOperations.IsPow2(divisor))
        {
            int shift = BitOperations.Log2(divisor);
            if (mod)
            {
                // divisor - 1 < 2^31 here: 64-bit powers of two come from imm in 2^1..2^30.
                if (is64) _a.and(G64[d], (int)(divisor - 1));
                else _a.and(G32[d], (int)(uint)(divisor - 1));
            }
            else if (is64)
            {
                _a.shr(G64[d], (byte)shift);
            }
            else
            {
                _a.shr(G32[d], (byte)shift);
            }
            return;
        }
        var magic = is64 ? DivisionMagic.For64(divisor) : DivisionMagic.For32((uint)divisor);
        if (!is64)
            _a.mov(G32[d], G32[d]); // the dividend is the low word
        // mul takes one factor in rax and writes rdx:rax: keep r0 in r10 and r3 in r11, and read
        // the dividend from its copy when it lives in one of them.
        _a.mov(r10, rax);
        _a.mov(r11, rdx);
        int x = d == Rax ? T1 : d == Rdx ? T2 : d;
        _a.mov(rax, (long)magic.Multiplier);
        _a.mul(G64[x]);
        int q;
        if (magic.Add)
        {
            _a.mov(rax, G64[x]);
            _a.sub(rax, rdx);
            _a.shr(rax, (byte)1);
            _a.add(rax, rdx);
            if (magic.Shift > 0)
                _a.shr(rax, (byte)magic.Shift);
            q = Rax;
        }
        else
        {
            if (magic.Shift > 0)
                _a.shr(rdx, (byte)magic.Shift);
            q = Rdx;
        }
        if (mod)
        {
            // x - q * divisor; imul by the imm gives the low bits of q * divisor in both widths.
            if (is64)
            {
                _a.imul(G64[q], G64[q], imm);
                _a.neg(G64[q]);
                _a.add(G64[q], G64[x]);
            }
            else
            {
                _a.imul(G32[q], G32[q], imm);
                _a.neg(G32[q]);
                _a.add(G32[q], G32[x]);
            }
        }
        if (d == Rax)
        {
            if (q != Rax)
                _a.mov(rax, G64[q]);
            _a.mov(rdx, r11);
        }
        else if (d == Rdx)
        {
            if (q != Rdx)
                _a.mov(rdx, G64[q]);
            _a.mov(rax, r10);
        }
        else
        {
            _a.mov(G64[d], G64[q]);
            _a.mov(rax, r10);
            _a.mov(rdx, r11);
        }
    }
}
