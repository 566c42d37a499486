using SharpBpf.Core;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// Constant folding: within straight-line code, registers whose values are known at compile time
/// are tracked, and computations on them emit no code. A known value reaches its host register
/// ("materializes") only when machine code reads it: before an instruction that uses it, before
/// control leaves the straight line (branches, calls, and the fall-through into a branch target),
/// and for r0 at exit. A fault ends the run without reading registers, so instructions that may
/// fault need only their own operands. The count, pcs and faults are the interpreter's, since
/// they depend on instruction indices, not on the code emitted.
/// </summary>
internal sealed partial class JitCompiler
{
    private readonly bool _fold;
    private readonly ulong[] _value = new ulong[10];
    private ushort _known;
    private ushort _dirty;

    private void ForgetConstants()
    {
        _known = 0;
        _dirty = 0;
    }

    /// <summary>The prologue zeroes r0 and r3-r9 (the interpreter's initial state).</summary>
    private void KnowEntryRegisters()
    {
        if (!_fold)
            return;
        foreach (int r in (ReadOnlySpan<int>)[0, 3, 4, 5, 6, 7, 8, 9])
        {
            if ((_g.RegistersNamed & (1 << r)) == 0)
                continue;
            _known |= (ushort)(1 << r);
            _value[r] = 0;
        }
    }

    private void Materialize(int r)
    {
        if (r >= 10 || (_dirty & (1 << r)) == 0)
            return;
        MovImmediate(HostOf[r], (long)_value[r]);
        _dirty &= (ushort)~(1 << r);
    }

    private void MaterializeAll()
    {
        for (int r = 0; _dirty != 0 && r < 10; r++)
            Materialize(r);
    }

    /// <summary>Before emitting instruction i: the registers its code reads (all of them when control may leave the straight line).</summary>
    private void MaterializeOperands(int i)
    {
        if (_dirty == 0)
            return;
        var insn = _g[i];
        switch (OpcodeTable.KindOf(insn.Opcode))
        {
            case InstructionKind.Exit when !_g.HasLocalCalls:
                // Nothing reads r1-r9 after the program's last exit.
                Materialize(0);
                _dirty = 0;
                return;
            case InstructionKind.Jump:
            case InstructionKind.Ja:
            case InstructionKind.Gotol:
            case InstructionKind.MayGoto:
            case InstructionKind.Call:
            case InstructionKind.CallX:
            case InstructionKind.Exit:
                MaterializeAll();
                return;
            case InstructionKind.Atomic:
                Materialize(0);
                break;
        }
        Materialize(insn.Dst);
        Materialize(insn.Src);
    }

    /// <summary>
    /// After emitting instruction i: what it wrote is no longer known. Only registers the code
    /// really wrote may be dropped while dirty (calls materialized everything before).
    /// </summary>
    private void ForgetWritten(int i)
    {
        ushort killed = _g.Kills(i);
        _known &= (ushort)~killed;
        _dirty &= (ushort)~killed;
    }

    /// <summary>Folds instruction i when every value it reads is known; emits nothing then.</summary>
    private bool TryFold(int i)
    {
        if (!_fold)
            return false;
        var insn = _g[i];
        if (!ConstantFolder.IsFoldable(insn, out bool needsDst, out bool needsSrc))
            return false;
        if (needsDst && (_known & (1 << insn.Dst)) == 0)
            return false;
        if (needsSrc && (insn.Src >= 10 || (_known & (1 << insn.Src)) == 0))
            return false;
        var next = insn.IsWide ? _g.Slots[_g.SlotOf[i] + 1] : default;
        ulong value = ConstantFolder.Evaluate(insn, _value[insn.Dst], needsSrc ? _value[insn.Src] : 0, next);
        // The register may already hold exactly this value (a zeroed register set to 0).
        if ((_known & ~_dirty & (1 << insn.Dst)) != 0 && _value[insn.Dst] == value)
            return true;
        _value[insn.Dst] = value;
        _known |= (ushort)(1 << insn.Dst);
        _dirty |= (ushort)(1 << insn.Dst);
        return true;
    }
}
