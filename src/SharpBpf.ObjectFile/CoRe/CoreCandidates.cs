using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>
/// Target candidates per local root type, as libbpf's bpf_core_find_cands and its candidate
/// cache: types of a CO-RE-compatible kind whose essential name equals the local one, searched
/// in the base BTF first and in a split BTF's own types only when the base has none (vmlinux,
/// then modules). The list of a local type shrinks to the candidates that matched each
/// relocation (bpf_core_calc_relo_insn prunes it), so later relocations of that type see fewer.
/// </summary>
internal sealed class CoreCandidates(BtfSpec target)
{
    private readonly Dictionary<uint, List<BtfTypeId>> _cache = [];

    public BtfSpec Target => target;

    /// <summary>The current candidates of a local type (searched once, then cached).</summary>
    public List<BtfTypeId> Get(BtfSpec local, BtfTypeId localId)
    {
        if (_cache.TryGetValue(localId.Value, out var list))
            return list;
        list = Find(local, localId, target);
        _cache[localId.Value] = list;
        return list;
    }

    /// <summary>Keeps only the candidates that matched a relocation (when at least one did).</summary>
    public void Prune(BtfTypeId localId, List<BtfTypeId> matched) => _cache[localId.Value] = matched;

    /// <summary>bpf_core_find_cands + bpf_core_add_cands over one target BTF (and its base).</summary>
    public static List<BtfTypeId> Find(BtfSpec local, BtfTypeId localId, BtfSpec target)
    {
        var result = new List<BtfTypeId>();
        var localType = local.GetType(localId);
        var name = localType.NameUtf8;
        if (name.IsEmpty)
            return result;
        int essential = CoreNames.EssentialLength(name);
        if (target.Base is { } baseSpec)
        {
            Add(localType.Kind, name[..essential], target, 1, baseSpec.TypeCount, result);
            if (result.Count > 0)
                return result;
            Add(localType.Kind, name[..essential], target, (int)target.FirstId, target.TypeCount, result);
            return result;
        }
        Add(localType.Kind, name[..essential], target, 1, target.TypeCount, result);
        return result;
    }

    private static void Add(BtfKind kind, ReadOnlySpan<byte> essential, BtfSpec target, int from, int to, List<BtfTypeId> into)
    {
        for (int id = from; id < to; id++)
        {
            var t = target.GetType((uint)id);
            if (!CoreMatcher.KindsCompatible(t.Kind, kind))
                continue;
            var name = t.NameUtf8;
            if (name.Length < essential.Length || !name.StartsWith(essential))
                continue;
            if (CoreNames.EssentialLength(name) == essential.Length)
                into.Add((uint)id);
        }
    }
}
