using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Core.Assembly;

/// <summary>A read position in one line's tokens, with the parsing helpers both syntaxes share.</summary>
internal sealed class TokenCursor(List<AsmToken> tokens, int line, bool unsignedDecimal32 = false)
{
    private int _index;

    /// <summary>Whether a 32-bit immediate may be written as an unsigned decimal up to 4294967295 (LLVM prints some that way).</summary>
    public bool UnsignedDecimal32 { get; set; } = unsignedDecimal32;

    public int Line { get; } = line;

    public AsmToken Peek(int ahead = 0) => tokens[Math.Min(_index + ahead, tokens.Count - 1)];

    public AsmToken Next()
    {
        var t = tokens[_index];
        if (_index < tokens.Count - 1)
            _index++;
        return t;
    }

    public bool AtEnd => Peek().Kind == AsmTokenKind.End;

    public bool Accept(string text)
    {
        if (!Peek().Is(text))
            return false;
        Next();
        return true;
    }

    public AsmToken Expect(string text)
    {
        var t = Peek();
        if (!t.Is(text))
            throw Error($"expected '{text}' but found {t}", t);
        return Next();
    }

    public void ExpectEnd()
    {
        if (!AtEnd)
            throw Error($"unexpected {Peek()} after the instruction", Peek());
    }

    public AsmException Error(string message, AsmToken at, string id = DiagnosticIds.AsmSyntax) =>
        new(message, Line, at.Column, id);

    /// <summary>An optionally signed integer; returns the value as a signed 64-bit number and whether it was hex.</summary>
    public (long Value, bool Hex, AsmToken Token) SignedNumber()
    {
        var start = Peek();
        bool negative = false;
        if (Accept("-"))
            negative = true;
        else
            Accept("+");
        var t = Peek();
        if (t.Kind != AsmTokenKind.Number)
            throw Error($"expected a number but found {t}", t);
        Next();
        bool hex = t.Text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        ulong magnitude = t.Value;
        if (negative)
        {
            if (magnitude > 1UL << 63)
                throw Error($"number -{t.Text} does not fit 64 bits", start, DiagnosticIds.AsmOutOfRange);
            return (-(long)magnitude, hex, t);
        }
        return ((long)magnitude, hex, t);
    }

    /// <summary>
    /// A 32-bit immediate: decimal must fit int32; hex (0x..) may go to 0xffffffff and is
    /// reinterpreted as int32 (the bpf_conformance assembler's rule).
    /// </summary>
    public int Imm32()
    {
        var (v, hex, tok) = SignedNumber();
        if ((hex || UnsignedDecimal32) && v >= 0 && v <= uint.MaxValue)
            return unchecked((int)(uint)v);
        if (v < int.MinValue || v > int.MaxValue)
            throw Error($"immediate {v} does not fit 32 bits", tok, DiagnosticIds.AsmOutOfRange);
        return (int)v;
    }

    /// <summary>A 64-bit immediate: any signed or unsigned 64-bit value.</summary>
    public long Imm64()
    {
        var start = Peek();
        bool negative = Accept("-");
        if (!negative)
            Accept("+");
        var t = Peek();
        if (t.Kind != AsmTokenKind.Number)
            throw Error($"expected a number but found {t}", t);
        Next();
        if (negative && t.Value > 1UL << 63)
            throw Error($"number -{t.Text} does not fit 64 bits", start, DiagnosticIds.AsmOutOfRange);
        return negative ? -(long)t.Value : (long)t.Value;
    }

    /// <summary>An optionally signed number that must fit 16 bits (memory offsets), errors at the number.</summary>
    public short SignedOffset16()
    {
        var (v, _, tok) = SignedNumber();
        return Offset16(v, tok);
    }

    /// <summary>A signed 16-bit value (memory offsets).</summary>
    public short Offset16(long value, AsmToken at)
    {
        if (value < short.MinValue || value > short.MaxValue)
            throw Error($"offset {value} does not fit 16 bits", at, DiagnosticIds.AsmOutOfRange);
        return (short)value;
    }

    /// <summary>A jump target: <c>+N</c>, <c>-N</c>, a bare number, or a label name.</summary>
    public JumpTarget Target()
    {
        var t = Peek();
        if (t.Kind == AsmTokenKind.Identifier && !t.Text.StartsWith('%'))
        {
            Next();
            return new JumpTarget(0, t.Text, t);
        }
        var (v, _, tok) = SignedNumber();
        return new JumpTarget(v, null, tok);
    }
}

/// <summary>A relative jump offset, or a label to resolve.</summary>
internal readonly record struct JumpTarget(long Offset, string? Label, AsmToken Token);
