using System.Buffers.Binary;
using System.Text;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Loader;

/// <summary>
/// Makes an object's BTF acceptable to the kernel's BTF verifier, as libbpf does before
/// BPF_BTF_LOAD (bpf_object__collect_externs and btf_fixup_datasec in libbpf.c). clang describes
/// externs the way the object sees them, which kernel/bpf/btf.c rejects:
/// <list type="bullet">
/// <item>VARs with extern linkage ("Linkage not supported", btf_var_check_meta) become global
/// allocated; those of .ksyms also become ints (their kernel type is the kernel's business);</item>
/// <item>FUNCs with extern linkage ("Invalid func linkage", btf_func_check_meta) become global,
/// their prototypes' unnamed parameters get a name ("Invalid arg#N", btf_func_check), and in the
/// .ksyms DATASEC, which may only hold VARs, they are replaced by a dummy int VAR;</item>
/// <item>the .ksyms DATASEC gets 4 bytes per entry (a DATASEC of size 0 is rejected);</item>
/// <item>every DATASEC's entries are sorted by offset (btf_datasec_check_meta wants them ascending).</item>
/// </list>
/// Type ids do not change (new types are appended), so map and func_info type ids stay valid.
/// </summary>
internal static class KernelBtfFixups
{
    private const uint LinkageGlobal = 1;
    private const uint LinkageExtern = 2;
    private const int IntEncodingBool = 4;
    private const string DummyVarName = "dummy_ksym";

    /// <summary>The BTF bytes with the fix-ups applied (a copy; the spec is not changed).</summary>
    public static byte[] Apply(BtfSpec btf)
    {
        var bytes = btf.Bytes.ToArray();
        uint hdrLen = U32(bytes, 4), typeOff = U32(bytes, 8), typeLen = U32(bytes, 12), strOff = U32(bytes, 16), strLen = U32(bytes, 20);
        var records = Records(btf);

        BtfTypeId intId = default;
        for (uint id = btf.FirstId; id < (uint)btf.TypeCount; id++)
        {
            var t = btf.GetType(id);
            if (t.Kind == BtfKind.Int && t.Size == 4 && (t.IntEncoding & IntEncodingBool) == 0)
            {
                intId = id;
                break;
            }
        }

        // What has to be appended: an int when there is none, a dummy VAR when .ksyms holds functions.
        bool needDummy = false;
        for (uint id = btf.FirstId; id < (uint)btf.TypeCount; id++)
        {
            var t = btf.GetType(id);
            if (t.Kind != BtfKind.Datasec || t.Name != ".ksyms")
                continue;
            for (int i = 0; i < t.Vlen; i++)
            {
                var k = btf.GetType(t.VarSecInfo(i).Type).Kind;
                needDummy |= k == BtfKind.Func;
            }
        }
        bool needsInt = intId.IsVoid && (needDummy || HasKsymVars(btf));
        var extraTypes = new List<byte>();
        var extraStrings = new List<byte>();
        uint nextId = (uint)btf.TypeCount;
        uint AddString(string s)
        {
            uint at = strLen + (uint)extraStrings.Count;
            extraStrings.AddRange(Encoding.UTF8.GetBytes(s));
            extraStrings.Add(0);
            return at;
        }
        if (needsInt)
        {
            intId = nextId++;
            Append(extraTypes, AddString("int"), (uint)BtfKind.Int << 24, 4);
            Append(extraTypes, (1u << 24) | 32); // BTF_INT_SIGNED, 32 bits
        }
        BtfTypeId dummyId = default;
        uint dummyName = 0;
        if (needDummy)
        {
            dummyId = nextId++;
            dummyName = AddString(DummyVarName);
            Append(extraTypes, dummyName, (uint)BtfKind.Var << 24, intId.Value);
            Append(extraTypes, LinkageGlobal);
        }

        uint paramName = dummyName;
        uint ParamName() => paramName != 0 ? paramName : paramName = AddString(DummyVarName);
        foreach (var (id, at) in records)
        {
            var t = btf.GetType(id);
            switch (t.Kind)
            {
                case BtfKind.Var when U32(bytes, at + 12) == LinkageExtern:
                    W32(bytes, at + 12, LinkageGlobal);
                    break;
                case BtfKind.Func when (U32(bytes, at + 4) & 0xffff) > LinkageGlobal:
                    W32(bytes, at + 4, (U32(bytes, at + 4) & ~0xffffu) | LinkageGlobal);
                    NameParameters(btf, bytes, records, t.Type, ParamName);
                    break;
                case BtfKind.Datasec when t.Name == ".ksyms":
                    for (int i = 0; i < t.Vlen; i++)
                    {
                        int vsi = at + 12 + i * 12;
                        var member = btf.GetType(U32(bytes, vsi));
                        if (member.Kind == BtfKind.Func)
                        {
                            W32(bytes, vsi, dummyId.Value);
                        }
                        else if (member.Kind == BtfKind.Var)
                        {
                            int var = records[member.Id.Value];
                            W32(bytes, var + 8, intId.Value);
                            W32(bytes, var + 12, LinkageGlobal);
                        }
                        W32(bytes, vsi + 4, (uint)i * 4);
                        W32(bytes, vsi + 8, 4);
                    }
                    W32(bytes, at + 8, (uint)t.Vlen * 4);
                    break;
                case BtfKind.Datasec:
                    SortByOffset(bytes, at + 12, t.Vlen);
                    break;
            }
        }

        if (extraTypes.Count == 0 && extraStrings.Count == 0)
            return bytes;
        // Lay the result out as header, types, strings (offsets relative to the header's end).
        var types = bytes.AsSpan((int)(hdrLen + typeOff), (int)typeLen);
        var strings = bytes.AsSpan((int)(hdrLen + strOff), (int)strLen);
        var result = new byte[hdrLen + typeLen + extraTypes.Count + strLen + extraStrings.Count];
        bytes.AsSpan(0, (int)hdrLen).CopyTo(result);
        uint newTypeLen = typeLen + (uint)extraTypes.Count;
        W32(result, 8, 0);
        W32(result, 12, newTypeLen);
        W32(result, 16, newTypeLen);
        W32(result, 20, strLen + (uint)extraStrings.Count);
        types.CopyTo(result.AsSpan((int)hdrLen));
        extraTypes.ToArray().CopyTo(result, (int)(hdrLen + typeLen));
        strings.CopyTo(result.AsSpan((int)(hdrLen + newTypeLen)));
        extraStrings.ToArray().CopyTo(result, (int)(hdrLen + newTypeLen + strLen));
        return result;
    }

    private static bool HasKsymVars(BtfSpec btf)
    {
        var ksyms = btf.FindDatasec(".ksyms");
        if (ksyms is not { } ds)
            return false;
        for (int i = 0; i < ds.Vlen; i++)
        {
            if (btf.GetType(ds.VarSecInfo(i).Type).Kind == BtfKind.Var)
                return true;
        }
        return false;
    }

    // A FUNC's prototype must name every parameter; extern declarations leave them unnamed.
    private static void NameParameters(BtfSpec btf, byte[] bytes, Dictionary<uint, int> records, BtfTypeId protoId, Func<uint> name)
    {
        if (!records.TryGetValue(protoId.Value, out int at) || btf.GetType(protoId).Kind != BtfKind.FuncProto)
            return;
        int vlen = (int)(U32(bytes, at + 4) & 0xffff);
        for (int i = 0; i < vlen; i++)
        {
            int param = at + 12 + i * 8;
            if (U32(bytes, param) == 0 && U32(bytes, param + 4) != 0)
                W32(bytes, param, name());
        }
    }

    private static void SortByOffset(byte[] bytes, int at, int count)
    {
        var entries = new (uint Type, uint Offset, uint Size)[count];
        for (int i = 0; i < count; i++)
            entries[i] = (U32(bytes, at + i * 12), U32(bytes, at + i * 12 + 4), U32(bytes, at + i * 12 + 8));
        // Stable: equal offsets keep their order.
        var sorted = entries.Select((e, i) => (e, i)).OrderBy(x => x.e.Offset).ThenBy(x => x.i).Select(x => x.e).ToArray();
        for (int i = 0; i < count; i++)
        {
            W32(bytes, at + i * 12, sorted[i].Type);
            W32(bytes, at + i * 12 + 4, sorted[i].Offset);
            W32(bytes, at + i * 12 + 8, sorted[i].Size);
        }
    }

    /// <summary>Where each of the spec's own types starts in its bytes (the same walk BtfSpec.TryParse does).</summary>
    private static Dictionary<uint, int> Records(BtfSpec btf)
    {
        var bytes = btf.Bytes;
        var records = new Dictionary<uint, int>(btf.LocalTypeCount);
        int at = btf.TypesStart, end = btf.TypesStart + btf.TypesLength;
        uint id = btf.FirstId;
        while (at < end)
        {
            uint info = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            int vlen = (int)(info & 0xffff);
            records[id++] = at;
            at += 12 + kind switch
            {
                BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
                BtfKind.Array => 12,
                BtfKind.Struct or BtfKind.Union or BtfKind.Enum64 or BtfKind.Datasec => 12 * vlen,
                BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
                _ => 0,
            };
        }
        return records;
    }

    private static void Append(List<byte> to, params uint[] words)
    {
        Span<byte> b = stackalloc byte[4];
        foreach (uint w in words)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, w);
            to.AddRange(b);
        }
    }

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at, 4));

    private static void W32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at, 4), v);
}
