using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>
/// Values as bpftrace 0.17 prints them (output.cpp's value_to_str, MapKey::argument_value), in text
/// and in JSON, and the formatting helpers behind buf() and ntop().
/// </summary>
public static class TraceValueFormatter
{
    /// <summary>A value in text form: integers in decimal, strings up to their NUL, tuples <c>(1, a)</c>.</summary>
    public static string Text(TraceType type, ReadOnlySpan<byte> value, ITraceValueResolver resolver) =>
        Format(type, value, resolver, json: false, inKey: false);

    /// <summary>A value in JSON form: strings and symbols quoted and escaped, tuples <c>[1,"a"]</c>.</summary>
    public static string Json(TraceType type, ReadOnlySpan<byte> value, ITraceValueResolver resolver) =>
        Format(type, value, resolver, json: true, inKey: false);

    /// <summary>An integer of <paramref name="type"/>'s size and sign read from <paramref name="value"/>, widened to 64 bits.</summary>
    public static long ReadInteger(TraceType type, ReadOnlySpan<byte> value) => ReadInteger(value, type.Size, type.IsSigned);

    /// <summary>An integer of <paramref name="size"/> bytes (1, 2, 4, 8), sign- or zero-extended.</summary>
    public static long ReadInteger(ReadOnlySpan<byte> value, int size, bool signed) => size switch
    {
        1 => signed ? (sbyte)value[0] : value[0],
        2 => signed ? BinaryPrimitives.ReadInt16LittleEndian(value) : BinaryPrimitives.ReadUInt16LittleEndian(value),
        4 => signed ? BinaryPrimitives.ReadInt32LittleEndian(value) : BinaryPrimitives.ReadUInt32LittleEndian(value),
        _ => BinaryPrimitives.ReadInt64LittleEndian(value),
    };

    /// <summary>A NUL-terminated string of at most <paramref name="value"/>'s length (bytes kept as Latin-1 would lose UTF-8: decoded as UTF-8).</summary>
    public static string CString(ReadOnlySpan<byte> value)
    {
        int n = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(n < 0 ? value : value[..n]);
    }

    /// <summary>
    /// buf()'s text: printable ASCII (32..126) kept when <paramref name="keepAscii"/>, every other byte
    /// as <c>\xNN</c> (bpftrace's hex_format_buffer; printf's <c>%rx</c> keeps nothing).
    /// </summary>
    public static string Buffer(ReadOnlySpan<byte> data, bool keepAscii = true)
    {
        var sb = new StringBuilder(data.Length * 4);
        foreach (var b in data)
        {
            if (keepAscii && b is >= 32 and <= 126)
                sb.Append((char)b);
            else
                sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>
    /// ntop()'s text for an address family (2 = AF_INET, 10 = AF_INET6) and the address bytes in network
    /// order, as glibc's inet_ntop writes it (IPv6: the longest run of two or more zero groups as <c>::</c>,
    /// IPv4-mapped and -compatible addresses with a dotted tail). Other families give an empty string.
    /// </summary>
    public static string Ntop(int family, ReadOnlySpan<byte> address)
    {
        if (family == 2 && address.Length >= 4)
            return $"{address[0]}.{address[1]}.{address[2]}.{address[3]}";
        if (family != 10 || address.Length < 16)
            return "";
        Span<int> words = stackalloc int[8];
        for (int i = 0; i < 8; i++)
            words[i] = (address[2 * i] << 8) | address[2 * i + 1];
        int bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
        for (int i = 0; i < 8; i++)
        {
            if (words[i] == 0)
            {
                if (curBase < 0) { curBase = i; curLen = 1; }
                else curLen++;
            }
            else if (curBase >= 0)
            {
                if (bestBase < 0 || curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
                curBase = -1;
            }
        }
        if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) { bestBase = curBase; bestLen = curLen; }
        if (bestBase >= 0 && bestLen < 2)
            bestBase = -1;
        var sb = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen)
            {
                if (i == bestBase)
                    sb.Append(':');
                continue;
            }
            if (i != 0)
                sb.Append(':');
            // glibc: an IPv4 tail for ::a.b.c.d and ::ffff:a.b.c.d
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)))
            {
                sb.Append(CultureInfo.InvariantCulture, $"{address[12]}.{address[13]}.{address[14]}.{address[15]}");
                break;
            }
            sb.Append(words[i].ToString("x", CultureInfo.InvariantCulture));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8)
            sb.Append(':');
        return sb.ToString();
    }

    /// <summary>A string escaped for bpftrace's JSON (quote, backslash, \n \r \t, other control bytes as \u00NN).</summary>
    public static string JsonEscape(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c <= '\x1f')
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The text of one key (arguments joined by ", " in text, "," in JSON before quoting).</summary>
    internal static List<string> KeyArguments(MapSnapshot map, byte[] key, ITraceValueResolver resolver)
    {
        var args = new List<string>(map.KeyTypes.Count);
        int offset = 0;
        foreach (var t in map.KeyTypes)
        {
            args.Add(Format(t, key.AsSpan(offset, t.Size), resolver, json: false, inKey: true));
            offset += t.Size;
        }
        return args;
    }

    private static string Format(TraceType type, ReadOnlySpan<byte> value, ITraceValueResolver resolver, bool json, bool inKey)
    {
        switch (type.Kind)
        {
            case TypeKind.Integer:
            {
                long v = ReadInteger(value, type.Size, type.IsSigned);
                return type.IsSigned || type.Size < 8
                    ? v.ToString(CultureInfo.InvariantCulture)
                    : ((ulong)v).ToString(CultureInfo.InvariantCulture);
            }
            case TypeKind.Count:
                return BinaryPrimitives.ReadUInt64LittleEndian(value).ToString(CultureInfo.InvariantCulture);
            case TypeKind.Sum or TypeKind.Min or TypeKind.Max:
                return BinaryPrimitives.ReadInt64LittleEndian(value).ToString(CultureInfo.InvariantCulture);
            case TypeKind.String:
                return Quote(CString(value[..Math.Min(value.Length, type.Size)]), json);
            case TypeKind.Buffer:
            {
                // bpftrace's buffer: a length byte, then the data.
                int n = Math.Min(value[0], value.Length - 1);
                return Quote(Buffer(value.Slice(1, n)), json);
            }
            case TypeKind.Inet:
                return Quote(Ntop((int)BinaryPrimitives.ReadInt64LittleEndian(value), value[8..]), json);
            case TypeKind.Pointer:
                // bpftrace prints a pointer key in hex and a pointer value as a decimal number
                return inKey
                    ? "0x" + BinaryPrimitives.ReadUInt64LittleEndian(value).ToString("x", CultureInfo.InvariantCulture)
                    : BinaryPrimitives.ReadUInt64LittleEndian(value).ToString(CultureInfo.InvariantCulture);
            case TypeKind.Tuple:
            {
                var offsets = type.TupleOffsets();
                var parts = new string[type.Elements.Count];
                for (int i = 0; i < parts.Length; i++)
                {
                    var e = type.Elements[i];
                    parts[i] = Format(e, value.Slice(offsets[i], e.Size), resolver, json, inKey);
                }
                return json ? "[" + string.Join(",", parts) + "]" : "(" + string.Join(", ", parts) + ")";
            }
            case TypeKind.Array when type.Element is { } element:
            {
                var parts = new string[type.Length];
                for (int i = 0; i < parts.Length; i++)
                    parts[i] = Format(element, value.Slice(i * element.Size, element.Size), resolver, json, inKey);
                return "[" + string.Join(",", parts) + "]";
            }
            case TypeKind.Kstack or TypeKind.Ustack or TypeKind.Ksym or TypeKind.Usym or TypeKind.Username or TypeKind.Probe:
                return Quote(resolver.Resolve(type, value, inKey), json);
            default:
                return resolver.Resolve(type, value, inKey);
        }
    }

    private static string Quote(string s, bool json) => json ? "\"" + JsonEscape(s) + "\"" : s;
}
