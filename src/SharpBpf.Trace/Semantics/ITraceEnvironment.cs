using SharpBpf.Trace.Probes;

namespace SharpBpf.Trace.Semantics;

/// <summary>What semantic analysis needs from the machine: tracepoint formats, kernel types, parameters.</summary>
public interface ITraceEnvironment
{
    /// <summary>The fields of a tracepoint (the first match when the names hold wildcards), or null when none exists.</summary>
    IReadOnlyList<TracepointField>? TracepointFields(string category, string name);

    /// <summary>Kernel struct layouts (BTF), loaded on first use.</summary>
    KernelTypes Types { get; }

    /// <summary>The positional parameters <c>$1</c>, <c>$2</c>, ...</summary>
    IReadOnlyList<string> Positional { get; }

    /// <summary>bpftrace's <c>--unsafe</c>: system() and signal() are allowed.</summary>
    bool Unsafe => false;

    /// <summary>A command is given (<c>-c</c>): <c>cpid</c>, its process id, can be used.</summary>
    bool HasChild => false;
}
