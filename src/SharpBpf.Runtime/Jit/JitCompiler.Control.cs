using Iced.Intel;
using SharpBpf.Core;
using Instruction = SharpBpf.Core.Instruction;
using static Iced.Intel.AssemblerRegisters;

namespace SharpBpf.Runtime.Jit;

internal sealed partial class JitCompiler
{
    private enum Cc { E, Ne, A, Ae, B, Be, G, Ge, L, Le }

    private void EmitConditionalJump(int i, Instruction insn)
    {
        bool is64 = insn.Class == Opcodes.ClassJmp;
        int op = insn.Opcode & 0xf0;
        int d = Read(insn.Dst, T1);
        if (OpcodeTable.UsesSrcRegister(insn.Opcode))
        {
            int s = Read(insn.Src, T2);
            if (op == Opcodes.Jset)
            {
                if (is64) _a.test(G64[d], G64[s]);
                else _a.test(G32[d], G32[s]);
            }
            else if (is64)
            {
                _a.cmp(G64[d], G64[s]);
            }
            else
            {
                _a.cmp(G32[d], G32[s]);
            }
        }
        else
        {
            int imm = insn.Immediate;
            // 64-bit compares see imm sign-extended, as x86 does; "cmp r, 0" and "test r, r" set
            // the same flags for every condition used here.
            if (op == Opcodes.Jset)
            {
                if (is64) _a.test(G64[d], imm);
                else _a.test(G32[d], imm);
            }
            else if (imm == 0)
            {
                if (is64) _a.test(G64[d], G64[d]);
                else _a.test(G32[d], G32[d]);
            }
            else if (is64)
            {
                _a.cmp(G64[d], imm);
            }
            else
            {
                _a.cmp(G32[d], imm);
            }
        }
        var cc = op switch
        {
            Opcodes.Jeq => Cc.E,
            Opcodes.Jgt => Cc.A,
            Opcodes.Jge => Cc.Ae,
            Opcodes.Jset => Cc.Ne,
            Opcodes.Jne => Cc.Ne,
            Opcodes.Jsgt => Cc.G,
            Opcodes.Jsge => Cc.Ge,
            Opcodes.Jlt => Cc.B,
            Opcodes.Jle => Cc.Be,
            Opcodes.Jslt => Cc.L,
            _ => Cc.Le,
        };
        EmitBranch(i, _g.Target[i], cc);
    }

    /// <summary>
    /// A conditional branch on flags already set. Forward: jcc to an out-of-line edge that adjusts
    /// the counter (branches that exit early stay off the straight path). Backward: inline, with
    /// the budget check, so a loop's latch falls through into it.
    /// </summary>
    private void EmitBranch(int i, int target, Cc cc)
    {
        if (target == i + 1)
            return;
        if (target > i)
        {
            long delta = i + 1L - target;
            Jcc(cc, Cold(() =>
            {
                AddCounter(delta);
                _a.jmp(Target(target));
            }));
            return;
        }
        var skip = _a.CreateLabel();
        Jcc(Invert(cc), skip);
        EmitBackEdge(i, target);
        DefineLabel(ref skip);
    }

    private void EmitJump(int i, int target)
    {
        if (target == i + 1)
            return;
        if (target > i)
        {
            AddCounter(i + 1L - target);
            _a.jmp(Target(target));
        }
        else
        {
            EmitBackEdge(i, target);
        }
    }

    /// <summary>
    /// A taken backward jump: the interpreter's budget check (executed count including the jump
    /// exceeds the budget) is counter + target &gt; 0 after the adjustment. The loop continues on
    /// the compare's own jump, so a latch costs an add and a fused compare-and-branch.
    /// </summary>
    private void EmitBackEdge(int i, int target)
    {
        AddCounter(i + 1L - target);
        _a.cmp(r12, -target);
        Jcc(Cc.Le, Target(target));
        _a.jmp(FaultStub(new FaultSite(FaultKind.Budget, _g.SlotOf[i], target)));
    }

    /// <summary>may_goto: falls through while the per-run allowance lasts, then jumps (Linux's BPF_MAX_LOOPS).</summary>
    private void EmitMayGoto(int i)
    {
        var counter = __dword_ptr[r9 + JitFrame.Disp(JitFrame.MayGotoOffset)];
        int target = _g.Target[i];
        _a.cmp(counter, 0);
        if (target == i + 1)
        {
            var skip = _a.CreateLabel();
            _a.je(skip);
            _a.dec(counter);
            DefineLabel(ref skip);
            return;
        }
        EmitBranch(i, target, Cc.E);
        _a.dec(counter);
    }

    /// <summary>
    /// bpf-to-bpf call: the interpreter's depth and budget checks, r6-r9 and the frame pointer
    /// saved on the native stack, the callee's frame 512 bytes lower, and a native call so the
    /// callee's exit returns here.
    /// </summary>
    private void EmitLocalCall(int i)
    {
        int target = _g.Target[i];
        int pc = _g.SlotOf[i];
        _a.cmp(rbp, Header(JitFrame.MinFramePointerOffset));
        Jcc(Cc.Be, FaultStub(new FaultSite(FaultKind.CallDepth, pc, i)));
        _a.cmp(r12, -(i + 1));
        Jcc(Cc.G, FaultStub(new FaultSite(FaultKind.Budget, pc, i + 1)));
        AddCounter(i + 1L - target);
        _a.push(rbx);
        _a.push(r13);
        _a.push(r14);
        _a.push(r15);
        _a.push(rbp);
        _a.sub(rbp, MemoryMap.StackPerFrame);
        _a.call(Target(target));
        _a.pop(rbp);
        _a.pop(r15);
        _a.pop(r14);
        _a.pop(r13);
        _a.pop(rbx);
        // The callee's exit added its own index + 1; the interpreter counts from the return point.
        AddCounter(-(i + 1L));
    }

    /// <summary>
    /// A helper call (call imm, or callx when <paramref name="idRegister"/> &gt;= 0) through the
    /// managed trampoline: r1-r5 and the callx id go through the header, the trampoline returns the
    /// (possibly moved) block or null when the helper failed. The interpreter keeps r1-r5 across
    /// calls, so they are reloaded too (the SysV call clobbers them).
    /// </summary>
    private void EmitHelperCall(int i, int helperId, int idRegister)
    {
        int helperIndex = -1;
        if (idRegister < 0)
        {
            helperIndex = _helperIds.IndexOf(helperId);
            if (helperIndex < 0)
            {
                if (!_registry.TryGet(helperId, out var fn))
                    throw new InvalidOperationException($"helper {helperId} vanished from the registry");
                helperIndex = _helperIds.Count;
                _helperIds.Add(helperId);
                _helpers.Add(fn);
            }
        }
        else
        {
            int id = Read(idRegister, T1);
            _a.mov(Header(JitFrame.CallxIdOffset), G64[id]);
        }
        _helperSites.Add(new HelperSite(_g.SlotOf[i], helperIndex));
        int site = _helperSites.Count - 1;
        for (int r = 1; r <= 5; r++)
            _a.mov(Header(JitFrame.R0Offset + 8 * r), G64[HostOf[r]]);
        _a.mov(rdi, r9);
        _a.mov(esi, site);
        // r9 is caller-saved; its push also keeps the stack 16-byte aligned for the call. On
        // failure the old block is still the live one (the trampoline only moves it on success).
        _a.push(r9);
        _a.call(Header(JitFrame.TrampolineOffset));
        _a.pop(r9);
        _a.test(rax, rax);
        Jcc(Cc.E, FaultStub(new FaultSite(FaultKind.Helper, _g.SlotOf[i], i)));
        _a.mov(r9, rax);
        _a.mov(rax, Header(JitFrame.R0Offset));
        for (int r = 1; r <= 5; r++)
            _a.mov(G64[HostOf[r]], Header(JitFrame.R0Offset + 8 * r));
    }

    private static Cc Invert(Cc cc) => cc switch
    {
        Cc.E => Cc.Ne,
        Cc.Ne => Cc.E,
        Cc.A => Cc.Be,
        Cc.Be => Cc.A,
        Cc.Ae => Cc.B,
        Cc.B => Cc.Ae,
        Cc.G => Cc.Le,
        Cc.Le => Cc.G,
        Cc.Ge => Cc.L,
        _ => Cc.Ge,
    };

    private void Jcc(Cc cc, Label label)
    {
        switch (cc)
        {
            case Cc.E: _a.je(label); break;
            case Cc.Ne: _a.jne(label); break;
            case Cc.A: _a.ja(label); break;
            case Cc.Ae: _a.jae(label); break;
            case Cc.B: _a.jb(label); break;
            case Cc.Be: _a.jbe(label); break;
            case Cc.G: _a.jg(label); break;
            case Cc.Ge: _a.jge(label); break;
            case Cc.L: _a.jl(label); break;
            default: _a.jle(label); break;
        }
    }
}
