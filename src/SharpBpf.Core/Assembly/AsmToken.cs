namespace SharpBpf.Core.Assembly;

/// <summary>The kinds of assembly tokens.</summary>
internal enum AsmTokenKind
{
    End,
    Identifier,
    Number,
    Punct,
}

/// <summary>A token with its 1-based column.</summary>
internal readonly record struct AsmToken(AsmTokenKind Kind, string Text, int Column, ulong Value = 0)
{
    public bool Is(string text) => Kind != AsmTokenKind.End && Text == text;

    public override string ToString() => Kind == AsmTokenKind.End ? "end of line" : $"'{Text}'";
}
