using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// Map keys and values formatted by their BTF types, as bpftool's btf_dumper.c writes them:
/// integers as numbers, char arrays holding a C string as strings, enums by name, structs as
/// objects, arrays as arrays, bitfields and 128-bit integers as hex, pointers as <c>%p</c> (plain
/// text) or decimal (JSON). <see cref="PlainText"/> is bpftool's is_plain_text: true for map
/// dumps without -j (the JSON-like text), false inside -j output's "formatted" member.
/// </summary>
public sealed class BtfValueWriter(BtfSpec btf, BpftoolJsonWriter writer, bool plainText)
{
    /// <summary>The BTF the types belong to.</summary>
    public BtfSpec Btf { get; } = btf;

    /// <summary>Whether this is the plain-text form (pointers as %p, unprintable chars as 0x..).</summary>
    public bool PlainText { get; } = plainText;

    /// <summary>btf_dumper_type: writes <paramref name="data"/> as type <paramref name="id"/>; false when bpftool would stop with an error.</summary>
    public bool Write(BtfTypeId id, ReadOnlySpan<byte> data) => DoType(id, 0, data);

    private bool DoType(BtfTypeId id, int bitOffset, ReadOnlySpan<byte> data)
    {
        if (!Btf.Contains(id))
        {
            writer.Raw("(unknown)");
            return true;
        }
        var t = Btf.GetType(id);
        switch (t.Kind)
        {
            case BtfKind.Int:
                return Int(t, bitOffset, data);
            case BtfKind.Struct:
            case BtfKind.Union:
                return Struct(t, data);
            case BtfKind.Array:
                return Array(t, data);
            case BtfKind.Enum:
                return Enum(t, data);
            case BtfKind.Enum64:
                return Enum64(t, data);
            case BtfKind.Ptr:
            {
                ulong value = Read(data, 0, 8);
                if (!PlainText)
                    writer.Raw(value.ToString(CultureInfo.InvariantCulture));
                else // glibc's %p
                    writer.Raw(value == 0 ? "(nil)" : "0x" + value.ToString("x", CultureInfo.InvariantCulture));
                return true;
            }
            case BtfKind.Unknown:
                writer.Raw("(unknown)");
                return true;
            case BtfKind.Fwd:
                // A map key or value cannot be a forward declaration.
                writer.Raw("(fwd-kind-invalid)");
                return false;
            case BtfKind.Typedef:
            case BtfKind.Volatile:
            case BtfKind.Const:
            case BtfKind.Restrict:
                return DoType(Resolve(id), bitOffset, data);
            case BtfKind.Var:
                writer.StartObject();
                writer.Name(t.Name);
                bool ok = DoType(t.Type, bitOffset, data);
                writer.EndObject();
                return ok;
            case BtfKind.Datasec:
                return Datasec(t, data);
            default:
                writer.Raw("(unsupported-kind");
                return false;
        }
    }

    // btf__resolve_type: through typedefs, modifiers (with type tags) and vars.
    private BtfTypeId Resolve(BtfTypeId id)
    {
        for (int depth = 0; depth < 32 && Btf.Contains(id); depth++)
        {
            var t = Btf.GetType(id);
            if (id.IsVoid || t.Kind is not (BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.Var))
                return id;
            id = t.Type;
        }
        return id;
    }

    private bool Int(BtfType t, int bitOffset, ReadOnlySpan<byte> data)
    {
        int bits = t.IntBits;
        if (bitOffset != 0 || t.IntOffset != 0 || bits % 8 != 0)
        {
            IntBits(t, bitOffset, data);
            return true;
        }
        if (bits == 128)
        {
            Print128(Read128(data, 16));
            return true;
        }
        switch (t.IntEncoding)
        {
            case 0:
                switch (bits)
                {
                    case 64: writer.Raw(Read(data, 0, 8).ToString(CultureInfo.InvariantCulture)); break;
                    case 32: writer.Raw(((uint)Read(data, 0, 4)).ToString(CultureInfo.InvariantCulture)); break;
                    case 16: writer.Raw(((ushort)Read(data, 0, 2)).ToString(CultureInfo.InvariantCulture)); break;
                    case 8: writer.Raw(((byte)Read(data, 0, 1)).ToString(CultureInfo.InvariantCulture)); break;
                    default: IntBits(t, bitOffset, data); break;
                }
                return true;
            case 1: // BTF_INT_SIGNED
                switch (bits)
                {
                    case 64: writer.Raw(((long)Read(data, 0, 8)).ToString(CultureInfo.InvariantCulture)); break;
                    case 32: writer.Raw(((int)Read(data, 0, 4)).ToString(CultureInfo.InvariantCulture)); break;
                    case 16: writer.Raw(((short)Read(data, 0, 2)).ToString(CultureInfo.InvariantCulture)); break;
                    case 8: writer.Raw(((sbyte)Read(data, 0, 1)).ToString(CultureInfo.InvariantCulture)); break;
                    default: IntBits(t, bitOffset, data); break;
                }
                return true;
            case 2: // BTF_INT_CHAR
            {
                byte c = (byte)Read(data, 0, 1);
                if (c is >= 0x20 and < 0x7f) // isprint in the C locale
                    writer.Raw("\"" + (char)c + "\"");
                else if (PlainText)
                    writer.Raw("0x" + c.ToString("x", CultureInfo.InvariantCulture));
                else
                    writer.Raw("\"\\u00" + c.ToString("x2", CultureInfo.InvariantCulture) + "\"");
                return true;
            }
            case 4: // BTF_INT_BOOL: bpftool reads an int there, whatever the size
                writer.Bool((uint)Read(data, 0, 4) != 0);
                return true;
            default:
                return false;
        }
    }

    // btf_dumper_int_bits.
    private void IntBits(BtfType t, int bitOffset, ReadOnlySpan<byte> data)
    {
        int total = bitOffset + t.IntOffset;
        Bitfield(t.IntBits, total % 8, Slice(data, total / 8));
    }

    // btf_dumper_bitfield: the bits copied into a 128-bit little-endian number, shifted into place.
    private void Bitfield(int bits, int bitOffset, ReadOnlySpan<byte> data)
    {
        int bitsToCopy = bitOffset + bits;
        int bytes = (bitsToCopy + 7) / 8;
        UInt128 n = Read128(data, Math.Min(bytes, 16));
        int left = 128 - bitsToCopy, right = 128 - bits;
        n = left >= 128 ? 0 : n << left;
        n = right >= 128 ? 0 : n >> right;
        Print128(n);
    }

    // btf_int128_print.
    private void Print128(UInt128 n)
    {
        ulong upper = (ulong)(n >> 64), lower = (ulong)n;
        string text = upper == 0
            ? "0x" + lower.ToString("x", CultureInfo.InvariantCulture)
            : "0x" + upper.ToString("x", CultureInfo.InvariantCulture) + lower.ToString("x16", CultureInfo.InvariantCulture);
        writer.Raw(PlainText ? text : "\"" + text + "\"");
    }

    private bool Struct(BtfType t, ReadOnlySpan<byte> data)
    {
        bool ok = true;
        writer.StartObject();
        for (int i = 0; i < t.Vlen; i++)
        {
            var m = t.Member(i);
            int bitOffset = (int)m.BitOffset;
            writer.Name(m.NameOffset == 0 ? "" : m.Name);
            var at = Slice(data, bitOffset / 8);
            if (m.BitfieldSize != 0)
            {
                Bitfield(m.BitfieldSize, bitOffset % 8, at);
            }
            else if (!DoType(m.Type, bitOffset % 8, at))
            {
                ok = false;
                break;
            }
        }
        writer.EndObject();
        return ok;
    }

    private bool Array(BtfType t, ReadOnlySpan<byte> data)
    {
        if (IsString(t, data, out string? text))
        {
            writer.String(text!);
            return true;
        }
        long? elementSize = Btf.SizeOf(t.ArrayElementType);
        if (elementSize is not { } size)
            return false;
        bool ok = true;
        writer.StartArray();
        for (uint i = 0; i < t.ArrayLength; i++)
        {
            if (!DoType(t.ArrayElementType, 0, Slice(data, (int)Math.Min(i * size, int.MaxValue))))
            {
                ok = false;
                break;
            }
        }
        writer.EndArray();
        return ok;
    }

    // is_str_array: an array of char (not through typedefs) holding printable bytes up to a NUL.
    private bool IsString(BtfType array, ReadOnlySpan<byte> data, out string? text)
    {
        text = null;
        if (array.ArrayLength == 0)
            return false;
        var element = Btf.SkipModifiers(array.ArrayElementType);
        if (element.IsVoid || element.Kind != BtfKind.Int || element.Size != 1)
            return false;
        if (element.IntEncoding != 2 && element.Name != "char")
            return false;
        int n = (int)Math.Min(array.ArrayLength, (uint)data.Length);
        for (int i = 0; i < n; i++)
        {
            byte c = data[i];
            if (c == 0)
            {
                text = Encoding.ASCII.GetString(data[..i]);
                return true;
            }
            if (c <= 0x1f || c >= 0x7f)
                return false;
        }
        return false;
    }

    // btf_dumper_enum: the value read at the enum's size, signed, compared with the 32-bit values.
    private bool Enum(BtfType t, ReadOnlySpan<byte> data)
    {
        long value;
        switch (t.Size)
        {
            case 8: value = (long)Read(data, 0, 8); break;
            case 4: value = (int)Read(data, 0, 4); break;
            case 2: value = (short)Read(data, 0, 2); break;
            case 1: value = (sbyte)Read(data, 0, 1); break;
            default: return false;
        }
        for (int i = 0; i < t.Vlen; i++)
        {
            var e = t.EnumValue(i);
            if (value == (int)e.Value)
            {
                writer.String(e.Name);
                return true;
            }
        }
        writer.Int(value);
        return true;
    }

    private bool Enum64(BtfType t, ReadOnlySpan<byte> data)
    {
        ulong value = Read(data, 0, 8);
        for (int i = 0; i < t.Vlen; i++)
        {
            var e = t.EnumValue(i);
            if ((ulong)e.Value == value)
            {
                writer.String(e.Name);
                return true;
            }
        }
        writer.Raw(t.KindFlag ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    private bool Datasec(BtfType t, ReadOnlySpan<byte> data)
    {
        bool ok = true;
        writer.StartObject();
        writer.Name(t.Name);
        writer.StartArray();
        for (int i = 0; i < t.Vlen; i++)
        {
            var v = t.VarSecInfo(i);
            if (!DoType(v.Type, 0, Slice(data, (int)v.Offset)))
            {
                ok = false;
                break;
            }
        }
        writer.EndArray();
        writer.EndObject();
        return ok;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, int offset) =>
        offset >= data.Length ? [] : data[offset..];

    // Little-endian read of up to 8 bytes; bytes past the end of the value read as zero.
    private static ulong Read(ReadOnlySpan<byte> data, int offset, int size)
    {
        Span<byte> buffer = stackalloc byte[8];
        buffer.Clear();
        var from = Slice(data, offset);
        from[..Math.Min(size, from.Length)].CopyTo(buffer);
        return BinaryPrimitives.ReadUInt64LittleEndian(buffer);
    }

    private static UInt128 Read128(ReadOnlySpan<byte> data, int size)
    {
        Span<byte> buffer = stackalloc byte[16];
        buffer.Clear();
        data[..Math.Min(size, data.Length)].CopyTo(buffer);
        return BinaryPrimitives.ReadUInt128LittleEndian(buffer);
    }
}
