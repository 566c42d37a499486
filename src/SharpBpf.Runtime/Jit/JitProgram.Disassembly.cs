using System.Text;
using Iced.Intel;

namespace SharpBpf.Runtime.Jit;

public sealed partial class JitProgram
{
    /// <summary>The machine code as NASM-syntax text, one instruction a line with its offset (for debugging and docs).</summary>
    public string Disassemble()
    {
        var code = _compiled.Code;
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code));
        var formatter = new NasmFormatter();
        formatter.Options.FirstOperandCharIndex = 8;
        var output = new StringOutput();
        var text = new StringBuilder();
        while (decoder.IP < (ulong)code.Length)
        {
            decoder.Decode(out var instruction);
            formatter.Format(instruction, output);
            text.Append(instruction.IP.ToString("x5", System.Globalization.CultureInfo.InvariantCulture)).Append("  ").AppendLine(output.ToStringAndReset());
        }
        return text.ToString();
    }
}
