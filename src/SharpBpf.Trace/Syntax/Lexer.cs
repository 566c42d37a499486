using System.Globalization;
using System.Text;

namespace SharpBpf.Trace.Syntax;

/// <summary>
/// bpftrace's tokens, read on demand: the parser asks for an attach point where a probe starts
/// (paths, wildcards and colons are one token there) and for ordinary tokens everywhere else,
/// as bpftrace's flex lexer switches start conditions.
/// </summary>
public sealed class Lexer
{
    private static readonly string[] Operators =
    [
        "<<=", ">>=", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "->", "++", "--",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    ];

    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    // bpftrace's lexer steps its location only over blanks, so a token's span starts after the last
    // blank: in `1 +;` the `;` spans `+;`. Errors underline exactly that, so we keep the same rule.
    private int _step;

    /// <summary>Creates a lexer over a whole script.</summary>
    public Lexer(string text) => _text = text;

    /// <summary>The script.</summary>
    public string Text => _text;

    /// <summary>Skips blanks and comments; true when something follows.</summary>
    public bool SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
                _step = _pos;
            }
            else if (char.IsWhiteSpace(c))
            {
                _pos++;
                _step = _pos;
            }
            else if (c == '/' && Peek(1) == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                    _pos++;
                _step = _pos;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                var start = Here(0);
                int close = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (close < 0)
                    throw new TraceException("unterminated comment", start);
                while (_pos < close + 2)
                    Advance();
                _step = _pos;
            }
            else
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Reads one attach point (up to blanks, a comma, a brace or a predicate's slash after a blank).</summary>
    public Token NextAttachPoint()
    {
        SkipTrivia();
        int start = _pos;
        int column = _pos - _lineStart + 1;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (char.IsWhiteSpace(c) || c == ',' || c == '{' || c == '}')
                break;
            if (c == '"')
            {
                int close = _text.IndexOf('"', _pos + 1);
                _pos = close < 0 ? _text.Length : close + 1;
                continue;
            }
            // A predicate written without a blank after a single-word probe (BEGIN/pid == 1/).
            if (c == '/' && _pos > start && _text.AsSpan(start, _pos - start).IndexOf(':') < 0)
                break;
            _pos++;
        }
        string text = _text[start.._pos];
        return new Token(TokenKind.AttachPoint, text, new SourceSpan(start, _pos, _line, column, column + (_pos - start)));
    }

    /// <summary>Reads the next ordinary token.</summary>
    public Token Next()
    {
        if (!SkipTrivia())
            return new Token(TokenKind.End, "", Here(0));
        int start = _pos;
        char c = _text[_pos];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
                _pos++;
            return Make(TokenKind.Identifier, start);
        }
        if (char.IsAsciiDigit(c))
            return Number(start);
        if (c == '"')
            return StringLiteral(start);
        if (c == '$')
        {
            _pos++;
            if (_pos < _text.Length && _text[_pos] == '#')
            {
                _pos++;
                return Make(TokenKind.Positional, start);
            }
            if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                    _pos++;
                return Make(TokenKind.Positional, start);
            }
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
                _pos++;
            if (_pos == start + 1)
                throw new TraceException("syntax error, unexpected $", Here(start, 1));
            return Make(TokenKind.Variable, start);
        }
        if (c == '@')
        {
            _pos++;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
                _pos++;
            return Make(TokenKind.Map, start);
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return Make(TokenKind.Punct, start);
            }
        }
        if ("{}()[];,:?+-*/%&|^!~<>=.".Contains(c, StringComparison.Ordinal))
        {
            _pos++;
            return Make(TokenKind.Punct, start);
        }
        throw new TraceException($"invalid character '{c}'", Here(start, 1));
    }

    /// <summary>The current position, for saving and restoring around a look-ahead.</summary>
    public (int Pos, int Line, int LineStart, int Step) Mark => (_pos, _line, _lineStart, _step);

    /// <summary>Returns to a position from <see cref="Mark"/>.</summary>
    public void Reset((int Pos, int Line, int LineStart, int Step) mark) => (_pos, _line, _lineStart, _step) = mark;

    private Token Number(int start)
    {
        ulong value;
        if (_text[_pos] == '0' && (Peek(1) is 'x' or 'X'))
        {
            _pos += 2;
            int digits = _pos;
            while (_pos < _text.Length && char.IsAsciiHexDigit(_text[_pos]))
                _pos++;
            if (!ulong.TryParse(_text.AsSpan(digits, _pos - digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
                throw new TraceException($"invalid integer literal", Here(start, _pos - start));
        }
        else
        {
            while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '_'))
                _pos++;
            string digits = _text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            bool octal = digits.Length > 1 && digits[0] == '0';
            try
            {
                value = octal ? Convert.ToUInt64(digits, 8) : ulong.Parse(digits, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new TraceException($"invalid integer: {digits}", Here(start, _pos - start));
            }
            // Scientific shorthand and time units: 1e6, 5s are not bpftrace 0.17; only the ints.
        }
        if (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] == '_'))
            throw new TraceException($"syntax error, unexpected identifier", Here(_pos, 1));
        return new Token(TokenKind.Integer, _text[start.._pos], Stepped(start), value);
    }

    private Token StringLiteral(int start)
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                // bpftrace's span runs from the last blank through the newline, when there is one.
                int from = Math.Max(Math.Min(_step, start), _lineStart);
                int end = _pos < _text.Length ? _pos + 1 : _pos;
                throw new TraceException("unterminated string", Here(from, end - from));
            }
            char c = _text[_pos++];
            if (c == '"')
                break;
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (_pos >= _text.Length)
                throw new TraceException("unterminated string", Here(start, _pos - start));
            char e = _text[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case 'x':
                {
                    int h = _pos;
                    while (_pos < _text.Length && _pos < h + 2 && char.IsAsciiHexDigit(_text[_pos]))
                        _pos++;
                    if (_pos == h)
                        throw new TraceException("invalid escape character '\\x'", Here(_pos - 2, 2));
                    sb.Append((char)int.Parse(_text.AsSpan(h, _pos - h), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    break;
                }
                case >= '0' and <= '7':
                {
                    int o = _pos - 1;
                    while (_pos < _text.Length && _pos < o + 3 && _text[_pos] is >= '0' and <= '7')
                        _pos++;
                    sb.Append((char)Convert.ToInt32(_text[o.._pos], 8));
                    break;
                }
                default:
                    throw new TraceException($"invalid escape character '\\{e}'", Here(_pos - 2, 2));
            }
        }
        return new Token(TokenKind.String, sb.ToString(), Stepped(start));
    }

    private Token Make(TokenKind kind, int start) => new(kind, _text[start.._pos], Stepped(start));

    private SourceSpan Stepped(int start)
    {
        int from = Math.Max(Math.Min(_step, start), _lineStart);
        return Here(from, _pos - from);
    }

    private SourceSpan Here(int start, int length)
    {
        int column = start - _lineStart + 1;
        return new SourceSpan(start, start + length, _line, column, column + length);
    }

    private SourceSpan Here(int length) => Here(_pos, length);

    private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void Advance()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _lineStart = _pos + 1;
        }
        _pos++;
    }
}
