using SharpBpf.Core.Diagnostics;

namespace SharpBpf.ObjectFile.Btf;

public sealed partial class BtfSpec
{
    /// <summary>libbpf's btf_sanity_check: every name offset and type reference must be valid.</summary>
    private Diagnostic? Validate(string? file, long fileOffset)
    {
        long strings = TotalStringsLength;
        uint count = (uint)TypeCount;
        for (int i = 0; i < _offsets.Length; i++)
        {
            var id = new BtfTypeId(FirstId + (uint)i);
            var t = GetType(id);
            int at = _offsets[i];
            Diagnostic Bad(string diag, string message) =>
                new(diag, $"type [{id}] {BtfKindNames.Of(t.Kind)}: {message}", SourceLocation.AtOffset(fileOffset + at, file));
            if (t.NameOffset >= strings)
                return Bad(ObjectDiagnosticIds.BtfBadString, $"name offset {t.NameOffset} is outside the string section ({strings} bytes)");
            switch (t.Kind)
            {
                case BtfKind.Ptr:
                case BtfKind.Typedef:
                case BtfKind.Volatile:
                case BtfKind.Const:
                case BtfKind.Restrict:
                case BtfKind.Func:
                case BtfKind.FuncProto:
                case BtfKind.Var:
                case BtfKind.DeclTag:
                case BtfKind.TypeTag:
                    if (t.Type.Value >= count)
                        return Bad(ObjectDiagnosticIds.BtfBadTypeId, $"refers to type {t.Type} which does not exist");
                    break;
                case BtfKind.Array:
                    if (t.ArrayElementType.Value >= count || t.ArrayIndexType.Value >= count)
                        return Bad(ObjectDiagnosticIds.BtfBadTypeId, "array element or index type does not exist");
                    break;
            }
            switch (t.Kind)
            {
                case BtfKind.Struct:
                case BtfKind.Union:
                    for (int m = 0; m < t.Vlen; m++)
                    {
                        var member = t.Member(m);
                        if (member.NameOffset >= strings)
                            return Bad(ObjectDiagnosticIds.BtfBadString, $"member {m} name offset {member.NameOffset} is invalid");
                        if (member.Type.Value >= count)
                            return Bad(ObjectDiagnosticIds.BtfBadTypeId, $"member {m} refers to type {member.Type} which does not exist");
                    }
                    break;
                case BtfKind.Enum:
                case BtfKind.Enum64:
                    for (int v = 0; v < t.Vlen; v++)
                    {
                        if (t.EnumValue(v).NameOffset >= strings)
                            return Bad(ObjectDiagnosticIds.BtfBadString, $"value {v} name offset is invalid");
                    }
                    break;
                case BtfKind.FuncProto:
                    for (int p = 0; p < t.Vlen; p++)
                    {
                        var param = t.Param(p);
                        if (param.NameOffset >= strings)
                            return Bad(ObjectDiagnosticIds.BtfBadString, $"parameter {p} name offset is invalid");
                        if (param.Type.Value >= count)
                            return Bad(ObjectDiagnosticIds.BtfBadTypeId, $"parameter {p} refers to type {param.Type} which does not exist");
                    }
                    break;
                case BtfKind.Datasec:
                    for (int v = 0; v < t.Vlen; v++)
                    {
                        if (t.VarSecInfo(v).Type.Value >= count)
                            return Bad(ObjectDiagnosticIds.BtfBadTypeId, $"variable {v} refers to a type that does not exist");
                    }
                    break;
            }
        }
        return null;
    }
}
