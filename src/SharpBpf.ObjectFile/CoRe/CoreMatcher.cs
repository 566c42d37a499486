using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>Outcome of comparing a local type or access with a target candidate (libbpf's 1 / 0 / -errno).</summary>
internal enum CoreMatch
{
    /// <summary>Malformed or too deeply nested BTF: the relocation fails.</summary>
    Error = -1,
    /// <summary>The candidate does not fit.</summary>
    No = 0,
    /// <summary>The candidate fits.</summary>
    Yes = 1,
}

/// <summary>
/// The comparisons of libbpf's relo_core.c: which target types may stand for a local one
/// (bpf_core_types_are_compat, bpf_core_fields_are_compat, bpf_core_types_match) and how a local
/// access maps onto a candidate (bpf_core_spec_match with bpf_core_match_member). When a
/// candidate does not fit, a "why" output says where, for the report.
/// </summary>
internal static class CoreMatcher
{
    /// <summary>Recursion limit of libbpf's type comparisons.</summary>
    private const int MaxDepth = 32;

    private static bool IsComposite(BtfKind k) => k is BtfKind.Struct or BtfKind.Union;

    private static bool IsAnyEnum(BtfKind k) => k is BtfKind.Enum or BtfKind.Enum64;

    /// <summary>btf_kind_core_compat: same kind, except that ENUM and ENUM64 stand for each other.</summary>
    public static bool KindsCompatible(BtfKind a, BtfKind b) => a == b || IsAnyEnum(a) && IsAnyEnum(b);

    private static string Describe(BtfSpec btf, BtfTypeId id) => $"{CoreNames.DescribeType(btf, id)} [{id}]";

    /// <summary>
    /// __bpf_core_types_are_compat, for type relocations: kinds must agree all the way down
    /// through pointers, arrays and function prototypes; any two structs, unions, enums or
    /// forward declarations are compatible (their names were matched already); integers must
    /// not be old-style bitfield integers.
    /// </summary>
    public static CoreMatch TypesAreCompatible(BtfSpec local, BtfTypeId localId, BtfSpec target, BtfTypeId targetId, int level = MaxDepth)
    {
        var lt = local.GetType(localId);
        var tt = target.GetType(targetId);
        if (!KindsCompatible(lt.Kind, tt.Kind))
            return CoreMatch.No;
        for (int depth = MaxDepth; ; )
        {
            if (--depth < 0)
                return CoreMatch.Error;
            lt = local.SkipModifiersAndTypedefs(localId);
            tt = target.SkipModifiersAndTypedefs(targetId);
            localId = lt.Id;
            targetId = tt.Id;
            if (!KindsCompatible(lt.Kind, tt.Kind))
                return CoreMatch.No;
            switch (lt.Kind)
            {
                case BtfKind.Unknown:
                case BtfKind.Struct:
                case BtfKind.Union:
                case BtfKind.Enum:
                case BtfKind.Enum64:
                case BtfKind.Fwd:
                    return CoreMatch.Yes;
                case BtfKind.Int:
                    return lt.IntOffset == 0 && tt.IntOffset == 0 ? CoreMatch.Yes : CoreMatch.No;
                case BtfKind.Ptr:
                    localId = lt.Type;
                    targetId = tt.Type;
                    continue;
                case BtfKind.Array:
                    localId = lt.ArrayElementType;
                    targetId = tt.ArrayElementType;
                    continue;
                case BtfKind.FuncProto:
                    if (lt.Vlen != tt.Vlen)
                        return CoreMatch.No;
                    for (int i = 0; i < lt.Vlen; i++)
                    {
                        if (level <= 0)
                            return CoreMatch.Error;
                        var r = TypesAreCompatible(local, local.SkipModifiersAndTypedefs(lt.Param(i).Type).Id,
                            target, target.SkipModifiersAndTypedefs(tt.Param(i).Type).Id, level - 1);
                        if (r != CoreMatch.Yes)
                            return r;
                    }
                    localId = local.SkipModifiersAndTypedefs(lt.Type).Id;
                    targetId = target.SkipModifiersAndTypedefs(tt.Type).Id;
                    continue;
                default:
                    return CoreMatch.No;
            }
        }
    }

    /// <summary>
    /// bpf_core_fields_are_compat: whether a member of the target can be read as the local
    /// member is: any two structs/unions, any two pointers or floats; enums and forward
    /// declarations by essential name (or one anonymous); integers of any size and sign that
    /// are not old-style bitfield integers; arrays by element type.
    /// </summary>
    public static CoreMatch FieldsAreCompatible(BtfSpec local, BtfTypeId localId, BtfSpec target, BtfTypeId targetId)
    {
        for (int depth = 0; depth < MaxDepth * 2; depth++)
        {
            var lt = local.SkipModifiersAndTypedefs(localId);
            var tt = target.SkipModifiersAndTypedefs(targetId);
            if (IsComposite(lt.Kind) && IsComposite(tt.Kind))
                return CoreMatch.Yes;
            if (!KindsCompatible(lt.Kind, tt.Kind))
                return CoreMatch.No;
            switch (lt.Kind)
            {
                case BtfKind.Ptr:
                case BtfKind.Float:
                    return CoreMatch.Yes;
                case BtfKind.Fwd:
                case BtfKind.Enum:
                case BtfKind.Enum64:
                {
                    var ln = lt.NameUtf8;
                    var tn = tt.NameUtf8;
                    int ll = CoreNames.EssentialLength(ln), tl = CoreNames.EssentialLength(tn);
                    return ll == 0 || tl == 0 || ll == tl && ln[..ll].SequenceEqual(tn[..tl]) ? CoreMatch.Yes : CoreMatch.No;
                }
                case BtfKind.Int:
                    return lt.IntOffset == 0 && tt.IntOffset == 0 ? CoreMatch.Yes : CoreMatch.No;
                case BtfKind.Array:
                    localId = lt.ArrayElementType;
                    targetId = tt.ArrayElementType;
                    continue;
                default:
                    return CoreMatch.No;
            }
        }
        return CoreMatch.Error;
    }

    /// <summary>
    /// bpf_core_match_member: finds the local accessor's member by name in the target
    /// struct/union, searching anonymous members recursively, and checks the two members'
    /// types are compatible. Appends to the target spec as it goes, as libbpf does (including
    /// libbpf's behaviour of stopping at the first member of that name).
    /// </summary>
    private static CoreMatch MatchMember(BtfSpec local, CoreAccessor localAcc, BtfSpec target, BtfTypeId targetId,
        CoreSpec spec, ref BtfTypeId nextTargetId, ref string? why)
    {
        var tt = target.SkipModifiersAndTypedefs(targetId);
        targetId = tt.Id;
        if (!IsComposite(tt.Kind))
            return CoreMatch.No;
        var localMember = local.GetType(localAcc.TypeId).Member(localAcc.Index);
        var localName = localMember.NameUtf8;
        int n = tt.Vlen;
        for (int i = 0; i < n; i++)
        {
            var m = tt.Member(i);
            if (spec.Raw.Count == CoreSpec.MaxLength)
            {
                why = $"nesting deeper than {CoreSpec.MaxLength} in {Describe(target, targetId)}";
                return CoreMatch.Error;
            }
            // Speculate that this member is the one.
            spec.BitOffset += m.BitOffset;
            spec.Raw.Add(i);
            var targetName = m.NameUtf8;
            if (targetName.IsEmpty)
            {
                var found = MatchMember(local, localAcc, target, m.Type, spec, ref nextTargetId, ref why);
                if (found != CoreMatch.No)
                    return found;
            }
            else if (localName.SequenceEqual(targetName))
            {
                spec.Accessors.Add(new CoreAccessor(targetId, i, m.Name));
                nextTargetId = m.Type;
                var compatible = FieldsAreCompatible(local, localMember.Type, target, m.Type);
                if (compatible == CoreMatch.No)
                {
                    spec.Accessors.RemoveAt(spec.Accessors.Count - 1);
                    why = $"field {m.Name} of {Describe(target, targetId)} is {CoreNames.DescribeType(target, m.Type)}, " +
                          $"incompatible with the local {CoreNames.DescribeType(local, localMember.Type)}";
                }
                return compatible;
            }
            spec.BitOffset -= m.BitOffset;
            spec.Raw.RemoveAt(spec.Raw.Count - 1);
        }
        return CoreMatch.No;
    }

    /// <summary>
    /// bpf_core_spec_match: maps a local spec onto a target candidate, filling
    /// <paramref name="targetSpec"/>. Type relocations compare the root types (types_match for
    /// TYPE_MATCHES, types_are_compat otherwise); enum relocations look for the enumerator by
    /// essential name; field relocations follow every accessor: members by name, array
    /// indices within bounds (or a flexible array).
    /// </summary>
    public static CoreMatch SpecMatch(CoreSpec localSpec, BtfSpec target, BtfTypeId targetId, out CoreSpec targetSpec, out string? why)
    {
        why = null;
        targetSpec = new CoreSpec(target, targetId, localSpec.Kind);
        var local = localSpec.Btf;
        if (CoreNames.IsTypeBased(localSpec.Kind))
        {
            if (localSpec.Kind == CoreRelocationKind.TypeMatches)
            {
                var m = TypesMatch(local, localSpec.RootTypeId, target, targetId, behindPointer: false, MaxDepth);
                if (m == CoreMatch.No)
                    why = $"{Describe(target, targetId)} does not match the local {CoreNames.DescribeType(local, localSpec.RootTypeId)}";
                return m;
            }
            var c = TypesAreCompatible(local, localSpec.RootTypeId, target, targetId);
            if (c == CoreMatch.No)
                why = $"{Describe(target, targetId)} is not compatible with the local {CoreNames.DescribeType(local, localSpec.RootTypeId)}";
            return c;
        }

        var localAcc = localSpec.Accessors[0];
        if (CoreNames.IsEnumValueBased(localSpec.Kind))
        {
            var tt = target.SkipModifiersAndTypedefs(targetId);
            if (!IsAnyEnum(tt.Kind))
            {
                why = $"{Describe(target, targetId)} is not an enum";
                return CoreMatch.No;
            }
            var localName = System.Text.Encoding.UTF8.GetBytes(localAcc.Name!);
            for (int i = 0; i < tt.Vlen; i++)
            {
                var e = tt.EnumValue(i);
                if (CoreNames.EssentialNamesEqual(localName, e.NameUtf8))
                {
                    targetSpec.Accessors.Add(new CoreAccessor(tt.Id, i, e.Name));
                    targetSpec.Raw.Add(i);
                    return CoreMatch.Yes;
                }
            }
            why = $"{Describe(target, targetId)} has no enumerator {CoreNames.EssentialName(localAcc.Name!)}";
            return CoreMatch.No;
        }
        if (!CoreNames.IsFieldBased(localSpec.Kind))
            return CoreMatch.Error;

        for (int i = 0; i < localSpec.Accessors.Count; i++)
        {
            localAcc = localSpec.Accessors[i];
            var tt = target.SkipModifiersAndTypedefs(targetId);
            targetId = tt.Id;
            if (localAcc.Name is not null)
            {
                string? memberWhy = null;
                var matched = MatchMember(local, localAcc, target, targetId, targetSpec, ref targetId, ref memberWhy);
                if (matched != CoreMatch.Yes)
                {
                    why = memberWhy ?? (IsComposite(tt.Kind)
                        ? $"{Describe(target, tt.Id)} has no field {localAcc.Name}"
                        : $"{Describe(target, tt.Id)} is not a struct or union, so it has no field {localAcc.Name}");
                    return matched;
                }
                continue;
            }
            // The first accessor indexes the root itself (p[0]); later ones index arrays.
            if (i > 0)
            {
                if (tt.Kind != BtfKind.Array)
                {
                    why = $"{Describe(target, tt.Id)} is not an array";
                    return CoreMatch.No;
                }
                bool flex = CoreSpec.IsFlexibleArray(target, targetSpec.Accessors[^1], tt.ArrayLength);
                if (!flex && (uint)localAcc.Index >= tt.ArrayLength)
                {
                    why = $"index {localAcc.Index} is out of bounds of {Describe(target, tt.Id)}";
                    return CoreMatch.No;
                }
                targetId = target.SkipModifiersAndTypedefs(tt.ArrayElementType).Id;
            }
            if (targetSpec.Raw.Count == CoreSpec.MaxLength)
            {
                why = $"nesting deeper than {CoreSpec.MaxLength}";
                return CoreMatch.Error;
            }
            targetSpec.Accessors.Add(new CoreAccessor(targetId, localAcc.Index, null));
            targetSpec.Raw.Add(localAcc.Index);
            if (target.SizeOf(targetId) is not { } size)
            {
                why = $"{Describe(target, targetId)} has no size";
                return CoreMatch.Error;
            }
            targetSpec.BitOffset += localAcc.Index * size * 8;
        }
        return CoreMatch.Yes;
    }

    /// <summary>bpf_core_names_match: equal essential names, or both anonymous.</summary>
    private static bool NamesMatch(ReadOnlySpan<byte> local, ReadOnlySpan<byte> target) =>
        target.IsEmpty ? local.IsEmpty : CoreNames.EssentialNamesEqual(local, target);

    /// <summary>bpf_core_enums_match: same size, and every local enumerator has a target one of the same name.</summary>
    private static CoreMatch EnumsMatch(BtfType local, BtfType target)
    {
        if (local.Size != target.Size || local.Vlen > target.Vlen)
            return CoreMatch.No;
        for (int i = 0; i < local.Vlen; i++)
        {
            var name = local.EnumValue(i).NameUtf8;
            bool matched = false;
            for (int j = 0; j < target.Vlen && !matched; j++)
                matched = NamesMatch(name, target.EnumValue(j).NameUtf8);
            if (!matched)
                return CoreMatch.No;
        }
        return CoreMatch.Yes;
    }

    /// <summary>bpf_core_composites_match: every local member has a target member of the same name whose type matches.</summary>
    private static CoreMatch CompositesMatch(BtfSpec local, BtfType lt, BtfSpec target, BtfType tt, bool behindPointer, int level)
    {
        if (lt.Vlen > tt.Vlen)
            return CoreMatch.No;
        for (int i = 0; i < lt.Vlen; i++)
        {
            var lm = lt.Member(i);
            bool matched = false;
            for (int j = 0; j < tt.Vlen; j++)
            {
                var tm = tt.Member(j);
                if (!NamesMatch(lm.NameUtf8, tm.NameUtf8))
                    continue;
                var r = TypesMatch(local, lm.Type, target, tm.Type, behindPointer, level - 1);
                if (r == CoreMatch.Error)
                    return r;
                if (r == CoreMatch.Yes)
                {
                    matched = true;
                    break;
                }
            }
            if (!matched)
                return CoreMatch.No;
        }
        return CoreMatch.Yes;
    }

    /// <summary>
    /// __bpf_core_types_match, for TYPE_MATCHES: stricter than compatibility. Names must match
    /// at every level; integers by size and signedness; arrays by length; structs and unions
    /// member by member (behind a pointer, only by kind, and a forward declaration will do);
    /// enums by enumerator names and size; function prototypes by every parameter.
    /// </summary>
    public static CoreMatch TypesMatch(BtfSpec local, BtfTypeId localId, BtfSpec target, BtfTypeId targetId, bool behindPointer, int level)
    {
        if (level <= 0)
            return CoreMatch.Error;
        for (int depth = MaxDepth; ; )
        {
            if (--depth < 0)
                return CoreMatch.Error;
            var lt = local.SkipModifiersAndTypedefs(localId);
            var tt = target.SkipModifiersAndTypedefs(targetId);
            localId = lt.Id;
            targetId = tt.Id;
            if (!NamesMatch(lt.NameUtf8, tt.NameUtf8))
                return CoreMatch.No;
            var lk = lt.Kind;
            var tk = tt.Kind;
            switch (lk)
            {
                case BtfKind.Unknown:
                    return lk == tk ? CoreMatch.Yes : CoreMatch.No;
                case BtfKind.Fwd:
                    if (behindPointer)
                    {
                        if (lk == tk)
                            return lt.KindFlag == tt.KindFlag ? CoreMatch.Yes : CoreMatch.No;
                        // A FWD's kind_flag says union (1) or struct (0).
                        return tk == BtfKind.Struct && !lt.KindFlag || tk == BtfKind.Union && lt.KindFlag ? CoreMatch.Yes : CoreMatch.No;
                    }
                    return lk == tk && lt.KindFlag == tt.KindFlag ? CoreMatch.Yes : CoreMatch.No;
                case BtfKind.Enum:
                case BtfKind.Enum64:
                    return IsAnyEnum(tk) ? EnumsMatch(lt, tt) : CoreMatch.No;
                case BtfKind.Struct:
                case BtfKind.Union:
                    if (behindPointer)
                    {
                        if (lk == tk)
                            return CoreMatch.Yes;
                        if (tk != BtfKind.Fwd)
                            return CoreMatch.No;
                        return (lk == BtfKind.Union) == tt.KindFlag ? CoreMatch.Yes : CoreMatch.No;
                    }
                    return lk == tk ? CompositesMatch(local, lt, target, tt, behindPointer, level) : CoreMatch.No;
                case BtfKind.Int:
                    if (lk != tk)
                        return CoreMatch.No;
                    return lt.Size == tt.Size && (lt.IntEncoding & 1) == (tt.IntEncoding & 1) ? CoreMatch.Yes : CoreMatch.No;
                case BtfKind.Ptr:
                    if (lk != tk)
                        return CoreMatch.No;
                    behindPointer = true;
                    localId = lt.Type;
                    targetId = tt.Type;
                    continue;
                case BtfKind.Array:
                    if (lk != tk || lt.ArrayLength != tt.ArrayLength)
                        return CoreMatch.No;
                    localId = lt.ArrayElementType;
                    targetId = tt.ArrayElementType;
                    continue;
                case BtfKind.FuncProto:
                    if (lk != tk || lt.Vlen != tt.Vlen)
                        return CoreMatch.No;
                    for (int i = 0; i < lt.Vlen; i++)
                    {
                        var r = TypesMatch(local, lt.Param(i).Type, target, tt.Param(i).Type, behindPointer, level - 1);
                        if (r != CoreMatch.Yes)
                            return r;
                    }
                    localId = lt.Type;
                    targetId = tt.Type;
                    continue;
                default:
                    return CoreMatch.No;
            }
        }
    }
}
