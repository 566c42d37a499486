using System.Globalization;

namespace SharpBpf.ObjectFile.Text;

/// <summary>
/// JSON in the layout of bpftool's json_writer.c: compact (<c>{"a":1,"b":[...]}</c>) or, with
/// <c>-p</c>, pretty with 4-space indentation, <c>"key": value</c>, and objects inside arrays
/// opened on the same line (<c>[{</c>, <c>},{</c>). Ends with a newline, as bpftool does.
/// </summary>
public sealed class JsonWriter(Utf8Output output, bool pretty)
{
    private int _depth;
    private bool _sep;

    private void Indent()
    {
        if (!pretty)
            return;
        output.Append('\n');
        for (int i = 0; i < _depth; i++)
            output.Append("    "u8);
    }

    private void Separate()
    {
        if (_sep)
            output.Append(',');
        _sep = true;
    }

    /// <summary>Starts an object (as a value).</summary>
    public void StartObject() => Start('{');

    /// <summary>Ends an object.</summary>
    public void EndObject() => End('}');

    /// <summary>Starts an array (as a value).</summary>
    public void StartArray()
    {
        Start('[');
        // json_writer: arrays don't indent their first element ("[{").
        _inArrayStart = true;
    }

    /// <summary>Ends an array.</summary>
    public void EndArray() => End(']');

    private bool _inArrayStart;

    // json_writer.c: jsonw_start(c) = jsonw_eor; putc(c); ++depth; sep = 0. jsonw_end: --depth;
    // if (sep) jsonw_eol; putc(c); sep = 1. jsonw_eor: if (sep) putc(','); jsonw_eol (pretty).
    // Values in arrays follow jsonw_eor only for non-first elements ("},{").
    private void Start(char c)
    {
        if (_sep)
            output.Append(',');
        else if (!_inArrayStart && _depth > 0 && !_afterName)
            Indent();
        _afterName = false;
        _inArrayStart = false;
        output.Append(c);
        _depth++;
        _sep = false;
    }

    private void End(char c)
    {
        _depth--;
        if (_sep)
            Indent();
        output.Append(c);
        _sep = true;
        _inArrayStart = false;
    }

    private bool _afterName;

    /// <summary>Writes a member name.</summary>
    public void Name(string name)
    {
        Separate();
        Indent();
        output.Append('"');
        Escaped(name);
        output.Append(pretty ? "\": "u8 : "\":"u8);
        _sep = false;
        _afterName = true;
    }

    /// <summary>Writes a string member.</summary>
    public void Field(string name, string value)
    {
        Name(name);
        output.Append('"');
        Escaped(value);
        output.Append('"');
        _sep = true;
        _afterName = false;
    }

    /// <summary>Writes an unsigned member.</summary>
    public void Field(string name, ulong value)
    {
        Name(name);
        output.Append(value);
        _sep = true;
        _afterName = false;
    }

    /// <summary>Writes a signed member.</summary>
    public void Field(string name, long value)
    {
        Name(name);
        output.Append(value);
        _sep = true;
        _afterName = false;
    }

    /// <summary>Writes a boolean member.</summary>
    public void Field(string name, bool value)
    {
        Name(name);
        output.Append(value ? "true"u8 : "false"u8);
        _sep = true;
        _afterName = false;
    }

    /// <summary>Writes a string value (in an array).</summary>
    public void Value(string value)
    {
        Separate();
        output.Append('"');
        Escaped(value);
        output.Append('"');
    }

    /// <summary>Writes an unsigned value (in an array).</summary>
    public void Value(ulong value)
    {
        Separate();
        output.Append(value);
    }

    /// <summary>Ends the document (bpftool prints a newline after the top-level value).</summary>
    public void Finish() => output.Append('\n');

    private void Escaped(string s)
    {
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '"': output.Append("\\\""u8); break;
                case '\\': output.Append("\\\\"u8); break;
                case '\n': output.Append("\\n"u8); break;
                case '\t': output.Append("\\t"u8); break;
                case '\r': output.Append("\\r"u8); break;
                case '\b': output.Append("\\b"u8); break;
                case '\f': output.Append("\\f"u8); break;
                default:
                    if (ch < 0x20)
                        output.Append(string.Create(CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}"));
                    else
                        output.Append(ch.ToString());
                    break;
            }
        }
    }
}
