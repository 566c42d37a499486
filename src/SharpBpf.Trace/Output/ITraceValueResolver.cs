using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>
/// Turns the values only the running session can interpret into text: stack ids (kstack, ustack: the
/// stack map and the symbol tables), usym (the process's mappings), probe ids, BTF records. The
/// printers ask it for every value of those kinds; <see cref="TraceValueResolver"/> covers the ones
/// that need no session (ksym through /proc/kallsyms, username through /etc/passwd).
/// </summary>
public interface ITraceValueResolver
{
    /// <summary>
    /// The text bpftrace prints for <paramref name="value"/> of <paramref name="type"/>. Stacks are the
    /// whole block (<see cref="SymbolFormat.Stack"/>): bpftrace 0.17 indents frames by 4 spaces in map
    /// keys (<paramref name="inKey"/>) and by 8 everywhere else.
    /// </summary>
    string Resolve(TraceType type, ReadOnlySpan<byte> value, bool inKey);
}
