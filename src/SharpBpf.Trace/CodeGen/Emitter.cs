using SharpBpf.Core;

namespace SharpBpf.Trace.CodeGen;

/// <summary>
/// Appends eBPF instructions with symbolic labels; forward jumps are recorded as patch sites and
/// fixed when the label is placed (uBPF's JIT does the same for its forward branches).
/// </summary>
internal sealed class Emitter
{
    private readonly List<Instruction> _code = [];
    private readonly List<int> _labels = [];
    private readonly List<(int Pc, int Label)> _fixups = [];
    private readonly List<bool> _referenced = [];

    // After an unconditional jump or exit nothing is emitted until a label someone jumps to: the
    // kernel rejects unreachable instructions (check_cfg), and `break` inside an `if` makes some.
    private bool _dead;

    /// <summary>Where map fds or other load-time constants go: (pc of the lddw, what).</summary>
    public List<(int Pc, Relocation What)> Relocations { get; } = [];

    public int Count => _code.Count;

    public int NewLabel()
    {
        _labels.Add(-1);
        _referenced.Add(false);
        return _labels.Count - 1;
    }

    public void Mark(int label)
    {
        _labels[label] = _code.Count;
        if (_referenced[label])
            _dead = false;
    }

    public void Emit(byte opcode, int dst, int src, short offset, int imm)
    {
        if (_dead)
            return;
        _code.Add(new Instruction(opcode, dst, src, offset, imm));
        if (opcode == Opcodes.ExitOpcode || opcode == (Opcodes.ClassJmp | Opcodes.Ja))
            _dead = true;
    }

    public void MovImm(int dst, int imm) => Emit(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceK, dst, 0, 0, imm);

    public void MovReg(int dst, int src) => Emit(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, dst, src, 0, 0);

    public void Mov32Reg(int dst, int src) => Emit(Opcodes.ClassAlu | Opcodes.Mov | Opcodes.SourceX, dst, src, 0, 0);

    public void AluImm(byte op, int dst, int imm) => Emit((byte)(Opcodes.ClassAlu64 | op | Opcodes.SourceK), dst, 0, 0, imm);

    public void AluReg(byte op, int dst, int src) => Emit((byte)(Opcodes.ClassAlu64 | op | Opcodes.SourceX), dst, src, 0, 0);

    public void LoadImm64(int dst, long value)
    {
        Emit(Opcodes.LoadImm64, dst, 0, 0, (int)value);
        Emit(0, 0, 0, 0, (int)(value >> 32));
    }

    /// <summary>r = a constant known only at load time (a map fd, the start time): patched later.</summary>
    public void LoadRelocated(int dst, Relocation what)
    {
        if (_dead)
            return;
        Relocations.Add((_code.Count, what));
        Emit(Opcodes.LoadImm64, dst, what.Kind == RelocationKind.Map ? (int)LoadImm64Source.MapFd : 0, 0, 0);
        Emit(0, 0, 0, 0, 0);
    }

    public void Load(int size, int dst, int src, int offset) => Emit((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | SizeBits(size)), dst, src, checked((short)offset), 0);

    public void Store(int size, int dst, int offset, int src) => Emit((byte)(Opcodes.ClassStx | Opcodes.ModeMem | SizeBits(size)), dst, src, checked((short)offset), 0);

    public void StoreImm(int size, int dst, int offset, int imm) => Emit((byte)(Opcodes.ClassSt | Opcodes.ModeMem | SizeBits(size)), dst, 0, checked((short)offset), imm);

    public void Call(int helper) => Emit(Opcodes.CallOpcode, 0, 0, 0, helper);

    public void Exit() => Emit(Opcodes.ExitOpcode, 0, 0, 0, 0);

    public void Jump(int label) => JumpImm(Opcodes.Ja, 0, 0, label);

    public void JumpImm(byte op, int dst, int imm, int label)
    {
        if (_dead)
            return;
        _fixups.Add((_code.Count, label));
        _referenced[label] = true;
        Emit((byte)(Opcodes.ClassJmp | op | Opcodes.SourceK), dst, 0, 0, imm);
    }

    public void JumpReg(byte op, int dst, int src, int label)
    {
        if (_dead)
            return;
        _fixups.Add((_code.Count, label));
        _referenced[label] = true;
        Emit((byte)(Opcodes.ClassJmp | op | Opcodes.SourceX), dst, src, 0, 0);
    }

    /// <summary>The program with every jump resolved.</summary>
    public Instruction[] Finish()
    {
        foreach (var (pc, label) in _fixups)
        {
            int target = _labels[label];
            if (target < 0)
                throw new InvalidOperationException($"label {label} never placed");
            int offset = target - pc - 1;
            if (offset is > short.MaxValue or < short.MinValue)
                throw new Syntax.TraceException("the generated program is too large (a jump exceeds 32767 instructions)");
            _code[pc] = _code[pc].WithOffset((short)offset);
        }
        return [.. _code];
    }

    private static byte SizeBits(int size) => size switch
    {
        1 => Opcodes.SizeB,
        2 => Opcodes.SizeH,
        4 => Opcodes.SizeW,
        8 => Opcodes.SizeDW,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "load/store size must be 1, 2, 4 or 8"),
    };
}
