namespace SharpBpf.Core.Assembly;

/// <summary>
/// Splits one line of assembly into tokens. Identifiers may start with a letter, <c>_</c>,
/// <c>.</c> or <c>%</c> (uBPF registers); numbers are decimal or <c>0x</c> hex; the operators of
/// LLVM's pseudo-C syntax are taken longest first (<c>s&gt;&gt;=</c> before <c>s&gt;</c>).
/// </summary>
internal static class AsmLexer
{
    private static readonly string[] Operators =
    [
        "s>>=", "<<=", ">>=", "s>=", "s<=", "s/=", "s%=",
        "+=", "-=", "*=", "/=", "|=", "&=", "^=", "%=", "==", "!=", ">=", "<=", "s>", "s<",
        "=", "<", ">", "(", ")", "[", "]", "*", "+", "-", ",", "&", ":",
    ];

    public static List<AsmToken> Tokenize(string line, int columnBase, int lineNo)
    {
        var tokens = new List<AsmToken>();
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int col = columnBase + i;
            if (char.IsAsciiDigit(c))
            {
                int start = i;
                ulong value;
                if (c == '0' && i + 1 < line.Length && (line[i + 1] == 'x' || line[i + 1] == 'X'))
                {
                    i += 2;
                    int digits = i;
                    while (i < line.Length && char.IsAsciiHexDigit(line[i]))
                        i++;
                    if (i == digits || i - digits > 16)
                        throw new AsmException($"invalid hex number '{line[start..i]}'", lineNo, col);
                    value = Convert.ToUInt64(line[digits..i], 16);
                }
                else
                {
                    while (i < line.Length && char.IsAsciiDigit(line[i]))
                        i++;
                    if (!ulong.TryParse(line.AsSpan(start, i - start), out value))
                        throw new AsmException($"number '{line[start..i]}' does not fit 64 bits", lineNo, col);
                }
                if (i < line.Length && (char.IsAsciiLetter(line[i]) || line[i] == '_'))
                    throw new AsmException($"invalid number '{line[start..(i + 1)]}'", lineNo, col);
                tokens.Add(new AsmToken(AsmTokenKind.Number, line[start..i], col, value));
                continue;
            }
            // s> s< s>= s<= s>>= s/= s%= are operators, not the identifier "s".
            if (c == 's' && i + 1 < line.Length && line[i + 1] is '>' or '<' or '/' or '%' &&
                (i == 0 || !IsIdentChar(line[i - 1])))
            {
                var opTok = MatchOperator(line, i);
                if (opTok is not null)
                {
                    tokens.Add(new AsmToken(AsmTokenKind.Punct, opTok, col));
                    i += opTok.Length;
                    continue;
                }
            }
            // '%' starts a uBPF register (%r1) but is also the modulo operator of "%=".
            bool percentIdent = c == '%' && i + 1 < line.Length && char.IsAsciiLetter(line[i + 1]);
            if (char.IsAsciiLetter(c) || c is '_' or '.' or '$' || percentIdent)
            {
                int start = i++;
                while (i < line.Length && IsIdentChar(line[i]))
                    i++;
                tokens.Add(new AsmToken(AsmTokenKind.Identifier, line[start..i], col));
                continue;
            }
            var op = MatchOperator(line, i);
            if (op is null)
                throw new AsmException($"unexpected character '{c}'", lineNo, col);
            tokens.Add(new AsmToken(AsmTokenKind.Punct, op, col));
            i += op.Length;
        }
        tokens.Add(new AsmToken(AsmTokenKind.End, "", columnBase + line.Length));
        return tokens;
    }

    private static bool IsIdentChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$';

    private static string? MatchOperator(string line, int i)
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(line, i, op, 0, op.Length) == 0)
                return op;
        }
        return null;
    }
}
