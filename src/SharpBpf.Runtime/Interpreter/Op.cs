using System.Runtime.InteropServices;

namespace SharpBpf.Runtime.Interpreter;

/// <summary>
/// A pre-decoded instruction (16 bytes): the dense opcode, registers, a 32-bit field that is the
/// jump target (relative: target index - this index), memory offset or helper index, and the
/// operand immediate already widened the way the operation uses it. <see cref="Src2"/> is the
/// second operand register of a fused three-address op.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Op
{
    public OpCode Code;
    public byte Dst;
    public byte Src;
    public byte Src2;
    public int Aux;
    public long Imm;
}
