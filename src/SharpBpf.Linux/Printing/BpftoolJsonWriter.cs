using System.Globalization;
using System.Text;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// bpftool's json_writer.c, state for state: a depth, a pending separator and the pretty flag.
/// Values are written as bpftool's <c>jsonw_printf</c> writes them (raw text after the separator),
/// so numbers, booleans and quoted hex strings come out byte for byte as bpftool prints them,
/// compact (<c>-j</c>) or pretty (<c>-p</c>, four spaces, objects inside arrays opened on the
/// same line: <c>[{</c>, <c>},{</c>). Also used without -j, as bpftool does, for BTF-formatted
/// map values.
/// </summary>
/// <remarks>
/// ObjectFile's <c>JsonWriter</c> reproduces the same layout for BTF dumps but has no raw values
/// (signed numbers and booleans inside arrays, <c>null</c>), which map values need.
/// </remarks>
public sealed class BpftoolJsonWriter
{
    private readonly TextWriter _out;
    private int _depth;
    private char _sep; // '\0' or ','

    /// <summary>A writer on <paramref name="output"/>, pretty (as bpftool -p) or compact (-j).</summary>
    public BpftoolJsonWriter(TextWriter output, bool pretty)
    {
        _out = output;
        Pretty = pretty;
    }

    /// <summary>Whether this writer indents (jsonw_pretty).</summary>
    public bool Pretty { get; }

    /// <summary>The nesting depth (0 once every object and array is closed).</summary>
    public int Depth => _depth;

    // jsonw_eol: a newline and the indentation, only when pretty.
    private void Eol()
    {
        if (!Pretty)
            return;
        _out.Write('\n');
        for (int i = 0; i < _depth; i++)
            _out.Write("    ");
    }

    // jsonw_eor: the pending separator, then a comma is pending.
    private void Eor()
    {
        if (_sep != '\0')
            _out.Write(_sep);
        _sep = ',';
    }

    private void Begin(char c)
    {
        Eor();
        _out.Write(c);
        _depth++;
        _sep = '\0';
    }

    private void End(char c)
    {
        _depth--;
        if (_sep != '\0')
            Eol();
        _out.Write(c);
        _sep = ',';
    }

    /// <summary>jsonw_start_object.</summary>
    public void StartObject() => Begin('{');

    /// <summary>jsonw_end_object.</summary>
    public void EndObject() => End('}');

    /// <summary>jsonw_start_array.</summary>
    public void StartArray() => Begin('[');

    /// <summary>jsonw_end_array.</summary>
    public void EndArray() => End(']');

    /// <summary>
    /// The "pinned" array of prog, map and link show with -f (bpftool's show_pinned): the paths of object
    /// <paramref name="id"/> in <paramref name="pins"/>, written only when the table has any entry.
    /// </summary>
    public void PinnedField(IReadOnlyDictionary<uint, List<string>>? pins, uint id)
    {
        if (pins is not { Count: > 0 })
            return;
        Name("pinned");
        StartArray();
        if (pins.TryGetValue(id, out var paths))
        {
            foreach (var path in paths)
                String(path);
        }
        EndArray();
    }

    /// <summary>jsonw_name: a member name; the next value follows it.</summary>
    public void Name(string name)
    {
        Eor();
        Eol();
        _sep = '\0';
        Puts(name);
        _out.Write(':');
        if (Pretty)
            _out.Write(' ');
    }

    /// <summary>jsonw_printf: <paramref name="text"/> as it is, as a value.</summary>
    public void Raw(string text)
    {
        Eor();
        _out.Write(text);
    }

    /// <summary>jsonw_string: a quoted, escaped string value.</summary>
    public void String(string value)
    {
        Eor();
        Puts(value);
    }

    /// <summary>jsonw_uint.</summary>
    public void UInt(ulong value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>jsonw_int.</summary>
    public void Int(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>jsonw_bool.</summary>
    public void Bool(bool value) => Raw(value ? "true" : "false");

    /// <summary>jsonw_null.</summary>
    public void Null() => Raw("null");

    /// <summary>jsonw_string_field.</summary>
    public void StringField(string name, string value)
    {
        Name(name);
        String(value);
    }

    /// <summary>jsonw_uint_field.</summary>
    public void UIntField(string name, ulong value)
    {
        Name(name);
        UInt(value);
    }

    /// <summary>jsonw_int_field.</summary>
    public void IntField(string name, long value)
    {
        Name(name);
        Int(value);
    }

    /// <summary>jsonw_bool_field.</summary>
    public void BoolField(string name, bool value)
    {
        Name(name);
        Bool(value);
    }

    /// <summary>jsonw_null_field.</summary>
    public void NullField(string name)
    {
        Name(name);
        Null();
    }

    /// <summary>print_hex_data_json (common.c): an array of <c>"0x%02hhx"</c> strings.</summary>
    public void HexBytes(ReadOnlySpan<byte> data)
    {
        StartArray();
        foreach (byte b in data)
            Raw("\"0x" + b.ToString("x2", CultureInfo.InvariantCulture) + "\"");
        EndArray();
    }

    /// <summary>jsonw_destroy: the newline bpftool prints after the document.</summary>
    public void Finish()
    {
        _out.Write('\n');
        _out.Flush();
    }

    // jsonw_puts: bpftool escapes only these; other control characters pass through.
    private void Puts(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\f': sb.Append("\\f"); break;
                case '\b': sb.Append("\\b"); break;
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
        _out.Write(sb.ToString());
    }
}
