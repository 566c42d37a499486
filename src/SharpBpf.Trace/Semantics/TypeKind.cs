namespace SharpBpf.Trace.Semantics;

/// <summary>What kind of value an expression or map holds (bpftrace's Type enum).</summary>
public enum TypeKind
{
    /// <summary>No value (a statement-like call such as printf).</summary>
    None,
    /// <summary>An integer of 1, 2, 4 or 8 bytes.</summary>
    Integer,
    /// <summary>A NUL-padded string of a fixed size.</summary>
    String,
    /// <summary>A tuple of values.</summary>
    Tuple,
    /// <summary>A pointer (to a BTF type, an integer, or the probe's context).</summary>
    Pointer,
    /// <summary>A struct or union value (BTF).</summary>
    Record,
    /// <summary>A fixed-size array inside a struct (BTF).</summary>
    Array,
    /// <summary>count() aggregation.</summary>
    Count,
    /// <summary>sum() aggregation.</summary>
    Sum,
    /// <summary>min() aggregation.</summary>
    Min,
    /// <summary>max() aggregation.</summary>
    Max,
    /// <summary>avg() aggregation.</summary>
    Avg,
    /// <summary>stats() aggregation.</summary>
    Stats,
    /// <summary>hist() aggregation.</summary>
    Hist,
    /// <summary>lhist() aggregation.</summary>
    Lhist,
    /// <summary>A kernel stack id (kstack).</summary>
    Kstack,
    /// <summary>A user stack id (ustack).</summary>
    Ustack,
    /// <summary>A kernel address printed as a symbol (ksym).</summary>
    Ksym,
    /// <summary>A user address printed as a symbol (usym).</summary>
    Usym,
    /// <summary>The probe name (probe builtin).</summary>
    Probe,
    /// <summary>A user id printed as a name (username).</summary>
    Username,
    /// <summary>A buffer printed with escapes (buf()).</summary>
    Buffer,
    /// <summary>An address printed as an IP (ntop()).</summary>
    Inet,
    /// <summary>strftime()'s value: nanoseconds since boot printed with the format the type carries.</summary>
    Strftime,
    /// <summary>macaddr()'s value: 6 bytes printed as <c>0F:1F:44:00:00:41</c>.</summary>
    MacAddress,
}
