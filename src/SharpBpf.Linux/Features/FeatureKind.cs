namespace SharpBpf.Linux.Features;

/// <summary>The kinds of feature a probe answers for; each is a section of <c>feature probe</c>.</summary>
public enum FeatureKind
{
    /// <summary>A program type (BPF_PROG_LOAD of a minimal program).</summary>
    ProgramType,

    /// <summary>A map type (BPF_MAP_CREATE with the type's sizes and flags).</summary>
    MapType,

    /// <summary>An attach type (expected_attach_type at load, BPF_PROG_ATTACH or BPF_LINK_CREATE with an invalid target).</summary>
    AttachType,

    /// <summary>A helper function callable from a program type.</summary>
    Helper,

    /// <summary>An instruction set extension, verifier ability, BTF kind or other facility.</summary>
    Misc,
}
