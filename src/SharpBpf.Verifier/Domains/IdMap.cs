namespace SharpBpf.Verifier.Domains;

/// <summary>
/// The correspondence between the ids of an old (explored) state and a new one while checking
/// that the new one is covered (the kernel's bpf_idmap, check_ids and check_scalar_ids): two
/// registers linked in the old state must be linked in the new one, or a comparison that refined
/// both there would refine only one here.
/// </summary>
public sealed class IdMap
{
    private readonly Dictionary<int, int> _oldToCur = [];
    private readonly Dictionary<int, int> _curToOld = [];
    private int _tmp = int.MinValue;

    /// <summary>Forgets every pair.</summary>
    public void Reset()
    {
        _oldToCur.Clear();
        _curToOld.Clear();
        _tmp = int.MinValue;
    }

    /// <summary>Both zero, or both set and paired consistently.</summary>
    public bool Check(int oldId, int curId)
    {
        if ((oldId == 0) != (curId == 0))
            return false;
        if (oldId == 0)
            return true;
        return Pair(oldId, curId);
    }

    /// <summary>
    /// Scalars: an id of 0 on either side stands for a link to nothing, so it gets a fresh
    /// temporary id: "0 vs unique id" passes, "linked vs unlinked" fails.
    /// </summary>
    public bool CheckScalar(int oldId, int curId)
    {
        if (oldId == 0)
            oldId = _tmp++;
        if (curId == 0)
            curId = _tmp++;
        return Pair(oldId, curId);
    }

    /// <summary>Acquired references pair the same way.</summary>
    public bool CheckRef(int oldId, int curId) => Check(oldId, curId);

    private bool Pair(int oldId, int curId)
    {
        if (_oldToCur.TryGetValue(oldId, out int c))
            return c == curId;
        if (_curToOld.ContainsKey(curId))
            return false;
        _oldToCur[oldId] = curId;
        _curToOld[curId] = oldId;
        return true;
    }
}
