namespace SharpBpf.Runtime;

/// <summary>Maps helper ids (the imm of <c>call</c>, or the register of <c>callx</c>) to managed functions.</summary>
public sealed class HelperRegistry
{
    private readonly Dictionary<int, (string Name, BpfHelper Function)> _helpers = [];

    /// <summary>Registers or replaces a helper.</summary>
    public HelperRegistry Register(int id, string name, BpfHelper function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _helpers[id] = (name, function);
        return this;
    }

    /// <summary>Looks a helper up.</summary>
    public bool TryGet(int id, out BpfHelper function)
    {
        if (_helpers.TryGetValue(id, out var h))
        {
            function = h.Function;
            return true;
        }
        function = null!;
        return false;
    }

    /// <summary>The name of a registered helper, or null.</summary>
    public string? NameOf(int id) => _helpers.TryGetValue(id, out var h) ? h.Name : null;

    /// <summary>The registered ids.</summary>
    public IEnumerable<int> Ids => _helpers.Keys;

    /// <summary>
    /// The helpers the bpf_conformance suite expects (its README): helper 5 returns its first
    /// argument, as uBPF's does, so <c>call_unwind_fail</c> and <c>callx</c> see a non-zero result.
    /// </summary>
    public static HelperRegistry CreateConformance() =>
        new HelperRegistry().Register(5, "conformance_return_r1", static (_, r1, _, _, _, _) => r1);
}
