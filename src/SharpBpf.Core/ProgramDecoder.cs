using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core;

/// <summary>
/// Turns little-endian bytecode into instructions. Never throws on bad input in its <c>Try</c>
/// form: a bad program yields a diagnostic naming the pc and byte offset.
/// </summary>
public static class ProgramDecoder
{
    /// <summary>Splits bytes into slots without validating them (only the length is checked).</summary>
    public static bool TrySplit(ReadOnlySpan<byte> bytes, out Instruction[] program, out Diagnostic? diagnostic)
    {
        if (bytes.Length % 8 != 0)
        {
            program = [];
            diagnostic = new Diagnostic(DiagnosticIds.TruncatedProgram,
                $"bytecode length {bytes.Length} is not a multiple of 8 (last instruction truncated)",
                SourceLocation.AtOffset(bytes.Length - bytes.Length % 8));
            return false;
        }
        program = new Instruction[bytes.Length / 8];
        for (int i = 0; i < program.Length; i++)
            program[i] = Instruction.Read(bytes.Slice(i * 8, 8));
        diagnostic = null;
        return true;
    }

    /// <summary>Splits and validates; on failure <paramref name="diagnostic"/> says what and where.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out Instruction[] program, out Diagnostic? diagnostic)
    {
        if (!TrySplit(bytes, out program, out diagnostic))
            return false;
        diagnostic = InstructionValidator.ValidateProgram(program);
        return diagnostic is null;
    }

    /// <summary>Splits and validates, throwing <see cref="BpfFormatException"/> on bad input.</summary>
    public static Instruction[] Decode(ReadOnlySpan<byte> bytes) =>
        TryDecode(bytes, out var program, out var diagnostic) ? program : throw new BpfFormatException(diagnostic!);

    /// <summary>Encodes instructions as little-endian bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<Instruction> program)
    {
        var bytes = new byte[program.Length * 8];
        for (int i = 0; i < program.Length; i++)
            program[i].Write(bytes.AsSpan(i * 8, 8));
        return bytes;
    }
}
