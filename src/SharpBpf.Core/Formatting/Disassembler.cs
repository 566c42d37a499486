using System.Globalization;
using System.Text;

namespace SharpBpf.Core.Formatting;

/// <summary>
/// Listings in llvm-objdump's layout: a <c>ADDR &lt;label&gt;:</c> line where a label is known,
/// then <c>%8d:\tBYTES\tTEXT</c> per instruction (lddw with its 16 bytes on one line), and
/// <c>&lt;label&gt;</c> after branch targets that have one.
/// </summary>
public static class Disassembler
{
    /// <summary>The formatter for a syntax.</summary>
    public static IInstructionFormatter FormatterFor(AsmSyntax syntax) => syntax switch
    {
        AsmSyntax.Ubpf => UbpfFormatter.Instance,
        AsmSyntax.Kernel => KernelFormatter.Instance,
        _ => LlvmFormatter.Instance,
    };

    /// <summary>Renders a listing; <paramref name="labels"/> maps slots to names.</summary>
    public static string Listing(ReadOnlySpan<Instruction> program, IInstructionFormatter formatter,
        IReadOnlyDictionary<int, string>? labels = null)
    {
        var sb = new StringBuilder(program.Length * 48);
        for (int pc = 0; pc < program.Length; pc++)
        {
            if (labels is not null && labels.TryGetValue(pc, out var name))
            {
                if (pc > 0)
                    sb.Append('\n');
                sb.Append(CultureInfo.InvariantCulture, $"{pc * 8L:x16} <{name}>:\n");
            }
            var insn = program[pc];
            bool wide = insn.IsWide && FormatterShared.HasSecondSlot(program, pc) &&
                InstructionValidator.ValidateSlot(insn) is null;
            sb.Append(CultureInfo.InvariantCulture, $"{pc,8}:\t");
            AppendBytes(sb, insn);
            if (wide)
            {
                sb.Append(' ');
                AppendBytes(sb, program[pc + 1]);
            }
            sb.Append('\t').Append(formatter.Format(program, pc));
            if (labels is not null && InstructionValidator.TryGetTarget(program, pc, out long target) &&
                labels.TryGetValue((int)Math.Clamp(target, -1, int.MaxValue), out var targetName))
                sb.Append(" <").Append(targetName).Append('>');
            sb.Append('\n');
            if (wide)
                pc++;
        }
        return sb.ToString();
    }

    /// <summary>The text of every instruction, one a line, nothing else (what round-trips through the assembler).</summary>
    public static string Text(ReadOnlySpan<Instruction> program, IInstructionFormatter formatter)
    {
        var sb = new StringBuilder(program.Length * 24);
        for (int pc = 0; pc < program.Length; pc++)
        {
            sb.Append(formatter.Format(program, pc)).Append('\n');
            if (program[pc].IsWide && FormatterShared.HasSecondSlot(program, pc) && InstructionValidator.ValidateSlot(program[pc]) is null)
                pc++;
        }
        return sb.ToString();
    }

    private static void AppendBytes(StringBuilder sb, Instruction insn)
    {
        ulong raw = insn.RawValue;
        for (int i = 0; i < 8; i++)
        {
            if (i > 0)
                sb.Append(' ');
            sb.Append(((byte)(raw >> (8 * i))).ToString("x2", CultureInfo.InvariantCulture));
        }
    }
}
