using SharpBpf.Core;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.CodeGen;

/// <summary>One generated program: a probe (or one of its attach points) as eBPF instructions.</summary>
public sealed class ProgramCode
{
    /// <summary>The probe's index in the script.</summary>
    public required int ProbeIndex { get; init; }

    /// <summary>The attach point index within the probe, or -1 when one program serves all of them.</summary>
    public required int AttachIndex { get; init; }

    /// <summary>The probe kind (decides the program type).</summary>
    public required ProbeKind Kind { get; init; }

    /// <summary>The program type to load as.</summary>
    public required ProgramType ProgramType { get; init; }

    /// <summary>The instructions, with map fds still to be filled in.</summary>
    public required Instruction[] Instructions { get; init; }

    /// <summary>lddw slots to patch before loading.</summary>
    public required IReadOnlyList<(int Pc, Relocation What)> Relocations { get; init; }

    /// <summary>For each pc, the script line it was generated from (<c>3: @x = count();</c>), for verifier messages.</summary>
    public required IReadOnlyDictionary<int, string> SourceLines { get; init; }

    /// <summary>The kernel program name.</summary>
    public required string Name { get; init; }

    /// <summary>A copy with the relocations applied.</summary>
    public Instruction[] Relocate(Func<Relocation, long> value)
    {
        var code = (Instruction[])Instructions.Clone();
        foreach (var (pc, what) in Relocations)
        {
            long v = value(what);
            code[pc] = code[pc].WithImmediate((int)v);
            code[pc + 1] = code[pc + 1].WithImmediate((int)(v >> 32));
        }
        return code;
    }
}
