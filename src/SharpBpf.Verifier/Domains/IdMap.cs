namespace SharpBpf.Verifier.Domains;

/// <summary>
/// The correspondence between the ids of an old (explored) state and a new one while checking
/// that the new one is covered (the kernel's bpf_idmap, check_ids and check_scalar_ids): two
/// registers linked in the old state must be linked in the new one, or a comparison that refined
/// both there would refine only one here.
/// </summary>
/// <remarks>
/// A state holds a few dozen ids at most, and the map is reset for every comparison of two
/// states (the hottest operation of pruning): pairs live in two parallel arrays searched
/// linearly, like the kernel's fixed-size bpf_idmap, rather than in hash tables.
/// </remarks>
public sealed class IdMap
{
    private int[] _old = new int[32];
    private int[] _cur = new int[32];
    private int _count;
    private int _tmp = int.MinValue;

    /// <summary>Forgets every pair.</summary>
    public void Reset()
    {
        _count = 0;
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
        {
            if (curId == 0)
                return true; // two fresh temporaries pair with each other and with nothing else
            oldId = _tmp++;
        }
        if (curId == 0)
            curId = _tmp++;
        return Pair(oldId, curId);
    }

    /// <summary>Acquired references pair the same way.</summary>
    public bool CheckRef(int oldId, int curId) => Check(oldId, curId);

    private bool Pair(int oldId, int curId)
    {
        var olds = _old;
        var curs = _cur;
        for (int i = 0; i < _count; i++)
        {
            if (olds[i] == oldId)
                return curs[i] == curId;
            if (curs[i] == curId)
                return false;
        }
        if (_count == olds.Length)
        {
            Array.Resize(ref _old, _count * 2);
            Array.Resize(ref _cur, _count * 2);
        }
        _old[_count] = oldId;
        _cur[_count] = curId;
        _count++;
        return true;
    }
}
