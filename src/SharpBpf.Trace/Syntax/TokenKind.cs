namespace SharpBpf.Trace.Syntax;

/// <summary>What a token is.</summary>
public enum TokenKind
{
    /// <summary>End of input.</summary>
    End,
    /// <summary>An identifier, keyword or builtin (<c>pid</c>, <c>if</c>, <c>count</c>).</summary>
    Identifier,
    /// <summary>An integer literal.</summary>
    Integer,
    /// <summary>A string literal (text unescaped).</summary>
    String,
    /// <summary>A scratch variable <c>$x</c>.</summary>
    Variable,
    /// <summary>A positional parameter <c>$1</c> or <c>$#</c>.</summary>
    Positional,
    /// <summary>A map <c>@x</c> or <c>@</c>.</summary>
    Map,
    /// <summary>A probe's attach point text, as written (<c>tracepoint:syscalls:sys_enter_openat</c>).</summary>
    AttachPoint,
    /// <summary>Punctuation or operator; the text says which.</summary>
    Punct,
}

/// <summary>One token with its text and span.</summary>
public readonly record struct Token(TokenKind Kind, string Text, SourceSpan Span, ulong Value = 0)
{
    /// <summary>True when this is the punctuation <paramref name="p"/>.</summary>
    public bool Is(string p) => Kind == TokenKind.Punct && Text == p;

    /// <summary>True when this is the identifier <paramref name="id"/>.</summary>
    public bool IsIdent(string id) => Kind == TokenKind.Identifier && Text == id;
}
