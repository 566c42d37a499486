namespace SharpBpf.Trace.Syntax;

/// <summary>
/// Recursive-descent parser for bpftrace scripts (bpftrace 0.17's grammar: probes with attach
/// points, predicates and blocks; C-like expressions with its precedence). Errors are thrown as
/// <see cref="TraceException"/> worded like bpftrace's bison parser.
/// </summary>
public sealed class Parser
{
    private static readonly string[][] BinaryLevels =
    [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ];

    private static readonly HashSet<string> IntegerTypeNames = new(StringComparer.Ordinal)
    {
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "char", "short", "int", "long", "unsigned", "signed", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
        "bool", "void",
    };

    private readonly Lexer _lexer;
    private Token _token;
    private Token _previous;
    private int _probeIndex;
    private bool _inPredicate;

    private Parser(string source)
    {
        _lexer = new Lexer(source);
    }

    /// <summary>Parses a whole script.</summary>
    public static ScriptAst Parse(string source)
    {
        var p = new Parser(source);
        return p.ParseScript();
    }

    private ScriptAst ParseScript()
    {
        var probes = new List<Probe>();
        while (_lexer.SkipTrivia())
            probes.Add(ParseProbe());
        if (probes.Count == 0)
            throw new TraceException("No probes to attach", null);
        return new ScriptAst { Probes = probes, Source = _lexer.Text, Span = default };
    }

    private Probe ParseProbe()
    {
        var points = new List<AttachPoint>();
        while (true)
        {
            var ap = _lexer.NextAttachPoint();
            if (ap.Text.Length == 0)
            {
                Advance();
                throw Unexpected(null);
            }
            points.Add(MakeAttachPoint(ap));
            Advance();
            if (_token.Is(","))
                continue;
            break;
        }
        Expr? predicate = null;
        if (_token.Is("/"))
        {
            Advance();
            _inPredicate = true;
            predicate = ParseExpr();
            _inPredicate = false;
            if (!_token.Is("/"))
                throw Unexpected(null);
            Advance();
        }
        if (!_token.Is("{"))
            throw Unexpected("{");
        var body = ParseBlockAfterBrace(topLevel: true);
        return new Probe { AttachPoints = points, Predicate = predicate, Body = body, Span = points[0].Span, Index = _probeIndex++ };
    }

    private static AttachPoint MakeAttachPoint(Token t)
    {
        var parts = SplitParts(t.Text);
        string provider = Probes.ProbeTypes.CanonicalProvider(parts[0]);
        return new AttachPoint { Raw = t.Text, Provider = provider, Parts = parts.GetRange(1, parts.Count - 1), Span = t.Span };
    }

    private static List<string> SplitParts(string text)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in text)
        {
            if (c == '"')
                quoted = !quoted;
            else if (c == ':' && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
                current.Append(c);
        }
        parts.Add(current.ToString());
        return parts;
    }

    // Called with _token == "{"; consumes through the matching "}".
    private List<Statement> ParseBlockAfterBrace(bool topLevel)
    {
        var open = _token;
        if (topLevel)
            _previous = open;
        Advance();
        var statements = new List<Statement>();
        while (!_token.Is("}"))
        {
            if (_token.Kind == TokenKind.End)
                throw Unexpected("}");
            if (_token.Is(";"))
            {
                Advance();
                continue;
            }
            var s = ParseStatement(out bool needsSeparator);
            statements.Add(s);
            if (needsSeparator)
            {
                if (_token.Is(";"))
                    Advance();
                else if (!_token.Is("}"))
                    throw Unexpected(null);
            }
        }
        // The closing brace of a probe is followed by the next attach point, which the caller lexes.
        if (!topLevel)
            Advance();
        return statements;
    }

    private List<Statement> ParseBlock()
    {
        if (!_token.Is("{"))
            throw Unexpected("{");
        return ParseBlockAfterBrace(topLevel: false);
    }

    private Statement ParseStatement(out bool needsSeparator)
    {
        needsSeparator = false;
        var start = _token;
        if (_token.IsIdent("if"))
            return ParseIf();
        if (_token.IsIdent("while"))
        {
            Advance();
            Expect("(");
            var cond = ParseExpr();
            Expect(")");
            var body = ParseBlock();
            return new WhileStatement { Condition = cond, Body = body, Span = start.Span };
        }
        if (_token.IsIdent("unroll"))
        {
            Advance();
            Expect("(");
            var count = ParseExpr();
            var close = _token;
            Expect(")");
            var body = ParseBlock();
            // bpftrace locates unroll's errors over `unroll(N)`
            return new UnrollStatement { Count = count, Body = body, Span = start.Span.To(close.Span) };
        }
        needsSeparator = true;
        if (_token.IsIdent("break") || _token.IsIdent("continue") || _token.IsIdent("return"))
        {
            Advance();
            return new JumpStatement { Keyword = start.Text, Span = start.Span };
        }
        var target = ParseExpr();
        if (_token.Kind == TokenKind.Punct && IsAssignOp(_token.Text))
        {
            var op = _token;
            if (target is not (MapAccess or Variable))
                throw new TraceException("syntax error, unexpected =", op.Span);
            Advance();
            var value = ParseExpr();
            string? compound = op.Text == "=" ? null : op.Text[..^1];
            return new Assignment { Target = target, Value = value, CompoundOp = compound, Span = target is Variable ? op.Span : target.Span, OpSpan = op.Span };
        }
        return new ExprStatement { Expr = target, Span = target.Span };
    }

    private static bool IsAssignOp(string t) => t is "=" or "+=" or "-=" or "*=" or "/=" or "%=" or "&=" or "|=" or "^=" or "<<=" or ">>=";

    private IfStatement ParseIf()
    {
        var start = _token;
        Advance();
        Expect("(");
        var cond = ParseExpr();
        Expect(")");
        var then = ParseBlock();
        IReadOnlyList<Statement> otherwise = [];
        if (_token.IsIdent("else"))
        {
            Advance();
            otherwise = _token.IsIdent("if") ? [ParseIf()] : ParseBlock();
        }
        return new IfStatement { Condition = cond, Then = then, Else = otherwise, Span = start.Span };
    }

    private Expr ParseExpr() => ParseTernary();

    private Expr ParseTernary()
    {
        var cond = ParseBinary(0);
        if (!_token.Is("?"))
            return cond;
        Advance();
        var a = ParseTernary();
        Expect(":");
        var b = ParseTernary();
        return new Ternary { Condition = cond, WhenTrue = a, WhenFalse = b, Span = cond.Span.To(b.Span) };
    }

    private Expr ParseBinary(int level)
    {
        if (level == BinaryLevels.Length)
            return ParseUnary();
        var left = ParseBinary(level + 1);
        while (_token.Kind == TokenKind.Punct && Array.IndexOf(BinaryLevels[level], _token.Text) >= 0 && !ClosesPredicate())
        {
            string op = _token.Text;
            var opSpan = _token.Span;
            Advance();
            var right = ParseBinary(level + 1);
            left = new Binary { Op = op, Left = left, Right = right, Span = left.Span.To(right.Span), OpSpan = opSpan };
        }
        return left;
    }

    // In a predicate, a slash followed by the action's brace ends the predicate instead of dividing.
    private bool ClosesPredicate()
    {
        if (!_inPredicate || !_token.Is("/"))
            return false;
        var mark = _lexer.Mark;
        bool closes;
        try
        {
            var next = _lexer.Next();
            closes = next.Is("{") || next.Kind == TokenKind.End;
        }
        catch (TraceException)
        {
            closes = false;
        }
        _lexer.Reset(mark);
        return closes;
    }

    private Expr ParseUnary()
    {
        var start = _token;
        if (_token.Kind == TokenKind.Punct && _token.Text is "!" or "~" or "-" or "*" or "&" or "+")
        {
            Advance();
            var operand = ParseUnary();
            if (start.Text == "+")
                return operand;
            if (start.Text == "-" && operand is IntegerLiteral lit)
                return new Unary { Op = "-", Operand = lit, Span = start.Span.To(lit.Span), OpSpan = start.Span };
            return new Unary { Op = start.Text, Operand = operand, Span = start.Span.To(operand.Span), OpSpan = start.Span };
        }
        if (_token.Is("++") || _token.Is("--"))
        {
            Advance();
            var operand = ParseUnary();
            return new IncDec { Target = operand, Increment = start.Text == "++", Prefix = true, Span = start.Span.To(operand.Span) };
        }
        if (_token.Is("(") && TryParseCast(out var cast))
            return cast!;
        return ParsePostfix(ParsePrimary());
    }

    private bool TryParseCast(out Expr? cast)
    {
        cast = null;
        var mark = _lexer.Mark;
        var saved = (_token, _previous);
        var open = _token;
        Advance();
        string? typeName = null;
        if (_token.IsIdent("struct") || _token.IsIdent("union") || _token.IsIdent("enum"))
        {
            string kw = _token.Text;
            Advance();
            if (_token.Kind == TokenKind.Identifier)
            {
                typeName = kw + " " + _token.Text;
                Advance();
            }
        }
        else if (_token.Kind == TokenKind.Identifier && IntegerTypeNames.Contains(_token.Text))
        {
            typeName = _token.Text;
            Advance();
            // "unsigned int", "long long"
            while (_token.Kind == TokenKind.Identifier && IntegerTypeNames.Contains(_token.Text))
            {
                typeName += " " + _token.Text;
                Advance();
            }
        }
        if (typeName is null)
        {
            _lexer.Reset(mark);
            (_token, _previous) = saved;
            return false;
        }
        int depth = 0;
        while (_token.Is("*"))
        {
            depth++;
            Advance();
        }
        if (!_token.Is(")"))
        {
            _lexer.Reset(mark);
            (_token, _previous) = saved;
            return false;
        }
        Advance();
        var operand = ParseUnary();
        cast = new Cast { TypeName = typeName, PointerDepth = depth, Operand = operand, Span = open.Span.To(operand.Span) };
        return true;
    }

    private Expr ParsePostfix(Expr e)
    {
        while (true)
        {
            if (_token.Is("->") || _token.Is("."))
            {
                bool arrow = _token.Is("->");
                Advance();
                if (_token.Kind is not (TokenKind.Identifier or TokenKind.Integer))
                    throw Unexpected(null);
                var field = _token;
                Advance();
                e = new FieldAccess { Target = e, Field = field.Text, Arrow = arrow, Span = e.Span.To(field.Span) };
            }
            else if (_token.Is("[") && e is not MapAccess { Keys.Count: 0 })
            {
                Advance();
                var index = ParseExpr();
                var close = _token;
                Expect("]");
                e = new IndexAccess { Target = e, Index = index, Span = e.Span.To(close.Span) };
            }
            else if ((_token.Is("++") || _token.Is("--")) && e is Variable or MapAccess)
            {
                var op = _token;
                Advance();
                e = new IncDec { Target = e, Increment = op.Text == "++", Prefix = false, Span = e.Span.To(op.Span) };
            }
            else
            {
                return e;
            }
        }
    }

    private Expr ParsePrimary()
    {
        var t = _token;
        switch (t.Kind)
        {
            case TokenKind.Integer:
                Advance();
                return new IntegerLiteral { Value = t.Value, Span = t.Span };
            case TokenKind.String:
                Advance();
                return new StringLiteral { Value = t.Text, Span = t.Span };
            case TokenKind.Variable:
                Advance();
                return new Variable { Name = t.Text, Span = t.Span };
            case TokenKind.Positional:
                Advance();
                return new Positional { Index = t.Text == "$#" ? 0 : int.Parse(t.Text.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), Span = t.Span };
            case TokenKind.Map:
            {
                Advance();
                var keys = new List<Expr>();
                var span = t.Span;
                if (_token.Is("["))
                {
                    Advance();
                    if (_token.Is("]"))
                        throw Unexpected(null);
                    keys.Add(ParseExpr());
                    while (_token.Is(","))
                    {
                        Advance();
                        keys.Add(ParseExpr());
                    }
                    // bpftrace's map rule spans MAP "[" vargs "]"
                    span = span.To(_token.Span);
                    Expect("]");
                }
                return new MapAccess { Name = t.Text, Keys = keys, Span = span };
            }
            case TokenKind.Identifier:
            {
                Advance();
                if (_token.Is("("))
                {
                    Advance();
                    var args = new List<Expr>();
                    if (!_token.Is(")"))
                    {
                        if (t.Text == "sizeof" && (_token.IsIdent("struct") || _token.IsIdent("union")))
                            return SizeofType(t);
                        if (t.Text == "offsetof" && (_token.IsIdent("struct") || _token.IsIdent("union")))
                        {
                            // offsetof(struct NAME, field): the type travels as a Builtin named "struct NAME".
                            var (typeName, typeSpan) = StructTypeName();
                            args.Add(new Builtin { Name = typeName, Span = typeSpan });
                        }
                        else
                            args.Add(ParseExpr());
                        while (_token.Is(","))
                        {
                            Advance();
                            args.Add(ParseExpr());
                        }
                    }
                    var close = _token;
                    if (!_token.Is(")"))
                        throw Unexpected(") or \",\"");
                    Advance();
                    return new Call { Name = t.Text, Arguments = args, Span = t.Span.To(close.Span), NameSpan = t.Span };
                }
                if (t.Text is "if" or "else" or "while" or "unroll" or "return" or "break" or "continue")
                    throw Unexpected(null, t);
                return new Builtin { Name = t.Text, Span = t.Span };
            }
            case TokenKind.Punct when t.Text == "(":
            {
                Advance();
                var first = ParseExpr();
                if (_token.Is(","))
                {
                    var elements = new List<Expr> { first };
                    while (_token.Is(","))
                    {
                        Advance();
                        elements.Add(ParseExpr());
                    }
                    var close = _token;
                    Expect(")");
                    return new TupleExpr { Elements = elements, Span = t.Span.To(close.Span) };
                }
                Expect(")");
                return first;
            }
            default:
                throw Unexpected(null);
        }
    }

    /// <summary>
    /// <c>sizeof(struct NAME)</c>: the type travels as a Builtin named "struct NAME". bpftrace 0.17's lexer
    /// reads <c>struct NAME *</c> as one token that does not step its location, so the type spans from
    /// <c>sizeof</c>, and a pointer type is a syntax error at the <c>)</c> (over one column more).
    /// </summary>
    private Call SizeofType(Token name)
    {
        var (typeName, _) = StructTypeName();
        bool pointer = false;
        while (_token.Is("*"))
        {
            pointer = true;
            Advance();
        }
        var close = _token;
        if (!close.Is(")"))
            throw Unexpected(null);
        var span = name.Span.To(close.Span);
        if (pointer)
            throw new TraceException("syntax error, unexpected )", span with { End = span.End + 1, EndColumn = span.EndColumn + 1 });
        Advance();
        var type = new Builtin { Name = typeName, Span = span };
        return new Call { Name = name.Text, Arguments = [type], Span = span, NameSpan = name.Span };
    }

    // `struct NAME` or `union NAME` (the current token is the keyword): "struct NAME" and its span.
    private (string Name, SourceSpan Span) StructTypeName()
    {
        var kw = _token;
        Advance();
        var typeName = _token;
        if (typeName.Kind != TokenKind.Identifier)
            throw Unexpected("identifier");
        Advance();
        return (kw.Text + " " + typeName.Text, kw.Span.To(typeName.Span));
    }

    private void Advance()
    {
        _previous = _token;
        _token = _lexer.Next();
    }

    private void Expect(string punct)
    {
        if (!_token.Is(punct))
            throw Unexpected(punct);
        Advance();
    }

    private TraceException Unexpected(string? expecting, Token? at = null)
    {
        var t = at ?? _token;
        string what = t.Kind switch
        {
            TokenKind.End => "end of file",
            TokenKind.Integer => "integer",
            TokenKind.String => "string",
            TokenKind.Identifier => t.Text is "if" or "else" or "while" or "unroll" or "return" or "break" or "continue" ? t.Text : "identifier",
            TokenKind.Variable => "variable",
            TokenKind.Positional => "positional parameter",
            TokenKind.Map => "map",
            _ => t.Text,
        };
        string message = "syntax error, unexpected " + what + (expecting is null ? "" : ", expecting " + expecting);
        return new TraceException(message, t.Span);
    }
}
