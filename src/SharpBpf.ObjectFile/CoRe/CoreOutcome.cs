namespace SharpBpf.ObjectFile.CoRe;

/// <summary>What became of one CO-RE relocation against a target BTF.</summary>
public enum CoreOutcome
{
    /// <summary>A target type matched; the instruction gets the target's value.</summary>
    Relocated,
    /// <summary>
    /// No target matched and the kind has an answer for that: field/enumerator/type exists and
    /// type matches give 0, as do type size and target type id (libbpf's bpf_core_calc_type_relo).
    /// </summary>
    NotFound,
    /// <summary>
    /// Unsatisfiable: the instruction becomes libbpf's poison, <c>call 0xbad2310</c>, which the
    /// verifier accepts only in dead code ("invalid func unknown#195896080" otherwise).
    /// </summary>
    Poisoned,
    /// <summary>Several targets matched with different answers: libbpf refuses to load.</summary>
    Ambiguous,
    /// <summary>The relocation or its instruction is malformed: libbpf refuses to load.</summary>
    Failed,
}
