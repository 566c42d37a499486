using SharpBpf.Core;

namespace SharpBpf.Runtime.Hooks;

public sealed partial class LoadedProgram
{
    /// <summary>
    /// Runs with <paramref name="context"/> as the program's context (r1, read-only), the way a
    /// tracepoint, raw tracepoint or host-defined hook calls a program. For
    /// <see cref="ProgramType.Unspec"/> (the memory+length convention) the context is the
    /// program's writable memory: r1 points to it, r2 is its length, LD_ABS reads it.
    /// </summary>
    public ExecutionResult Run(byte[] context, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Type == ProgramType.Xdp)
            throw new InvalidOperationException($"program '{Name}' is XDP: run it through an XdpHook, which builds xdp_md over the packet");
        var input = Type == ProgramType.Unspec
            ? new RunInput(context, context.Length, MemoryRegionKind.Packet, true, null, 0, 0, (ulong)context.Length, ContextRegion)
            : new RunInput(context, context.Length, MemoryRegionKind.Context, false, null, 0, 0, 0, 0);
        return Run(in input, options);
    }

    /// <summary>Runs with the regions given; follows tail calls.</summary>
    internal ExecutionResult Run(in RunInput input, RunOptions? options)
    {
        var slot = RunSlot.Rent();
        try
        {
            var env = slot.Environment;
            slot.Map.HelperContext.Environment = env;
            slot.Map.HelperContext.Output = options?.TraceOutput;
            env.Cpu = options?.Cpu ?? 0;
            env.TraceOutput = options?.TraceOutput;
            env.HostState = options?.HostState;
            env.TailCalls = 0;
            env.PendingTailCall = null;
            env.Program = this;
            slot.Layout(in input, Maps);
            ulong r1 = (ulong)ContextRegion << 32;
            var program = this;
            long executed = 0;
            while (true)
            {
                var result = program._engine.Engine.Run(slot.Map, r1, input.R2, input.LdAbsRegion);
                executed += result.Instructions;
                if (result.Error is not null && env.PendingTailCall is { } next)
                {
                    // bpf_tail_call: the target starts over with the same context; the stack is reused.
                    env.PendingTailCall = null;
                    env.Program = next;
                    if (!ReferenceEquals(next.Maps, program.Maps))
                        slot.Layout(in input, next.Maps);
                    program = next;
                    continue;
                }
                return result with { Instructions = executed };
            }
        }
        finally
        {
            RunSlot.Return(slot);
        }
    }
}

/// <summary>Per-run settings of <see cref="LoadedProgram.Run(byte[], RunOptions?)"/>.</summary>
public sealed record RunOptions
{
    /// <summary>The CPU the run is on: bpf_get_smp_processor_id and the per-CPU values it sees.</summary>
    public int Cpu { get; init; }

    /// <summary>Where bpf_trace_printk writes.</summary>
    public TextWriter? TraceOutput { get; init; }

    /// <summary>State for the host's own helpers (<see cref="Helpers.RunEnvironment.HostState"/>).</summary>
    public object? HostState { get; init; }
}
