namespace SharpBpf.ObjectFile.Btf;

public sealed partial class BtfSpec
{
    /// <summary>Follows TYPEDEF, CONST, VOLATILE, RESTRICT and TYPE_TAG to the underlying type (libbpf's skip_mods_and_typedefs).</summary>
    public BtfType SkipModifiersAndTypedefs(BtfTypeId id)
    {
        var t = GetType(id);
        for (int guard = 0; guard < 64; guard++)
        {
            if (t.Kind is not (BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag))
                return t;
            t = GetType(t.Type);
        }
        return t;
    }

    /// <summary>Follows CONST, VOLATILE, RESTRICT and TYPE_TAG (not typedefs).</summary>
    public BtfType SkipModifiers(BtfTypeId id)
    {
        var t = GetType(id);
        for (int guard = 0; guard < 64; guard++)
        {
            if (t.Kind is not (BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag))
                return t;
            t = GetType(t.Type);
        }
        return t;
    }

    /// <summary>The size in bytes of a type (libbpf's btf__resolve_size); null when it has none (void, functions).</summary>
    public long? SizeOf(BtfTypeId id)
    {
        long multiplier = 1;
        var t = GetType(id);
        for (int depth = 0; depth < 64; depth++)
        {
            switch (t.Kind)
            {
                case BtfKind.Int:
                case BtfKind.Struct:
                case BtfKind.Union:
                case BtfKind.Enum:
                case BtfKind.Enum64:
                case BtfKind.Datasec:
                case BtfKind.Float:
                    return multiplier * t.Size;
                case BtfKind.Ptr:
                    return multiplier * 8;
                case BtfKind.Typedef:
                case BtfKind.Const:
                case BtfKind.Volatile:
                case BtfKind.Restrict:
                case BtfKind.TypeTag:
                case BtfKind.Var:
                case BtfKind.DeclTag:
                    t = GetType(t.Type);
                    continue;
                case BtfKind.Array:
                    multiplier *= t.ArrayLength;
                    t = GetType(t.ArrayElementType);
                    continue;
                default:
                    return null;
            }
        }
        return null;
    }

    /// <summary>The offset of a string in this spec's string section (base strings first), or null.</summary>
    public uint? FindString(string value)
    {
        if (Base?.FindString(value) is { } inBase)
            return inBase;
        var needle = System.Text.Encoding.UTF8.GetBytes(value);
        var strings = _data.AsSpan(_stringsStart, _stringsLength);
        int at = 0;
        while (at < strings.Length)
        {
            int nul = strings[at..].IndexOf((byte)0);
            if (nul < 0)
                break;
            if (strings.Slice(at, nul).SequenceEqual(needle))
                return _baseStringsLength + (uint)at;
            at += nul + 1;
        }
        return null;
    }

    /// <summary>Where a type's record starts in <see cref="Bytes"/> (types of this spec only).</summary>
    internal int RecordOffset(BtfTypeId id) => _offsets[id.Value - FirstId];

    /// <summary>A copy of these bytes, patched by <paramref name="patch"/> and parsed again.</summary>
    internal BtfSpec Patched(Action<byte[]> patch)
    {
        var copy = (byte[])_data.Clone();
        patch(copy);
        return Parse(copy, Base);
    }

    /// <summary>The DATASEC with a name, or null.</summary>
    public BtfType? FindDatasec(string name)
    {
        var id = FindByName(name, BtfKind.Datasec);
        return id.IsVoid ? null : GetType(id);
    }
}
