using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

public static partial class StandardHelpers
{
    /// <summary>MAX_TAIL_CALL_CNT (include/linux/bpf.h): tail calls one run may take.</summary>
    public const int MaxTailCalls = 33;

    /// <summary>BPF_MAX_LOOPS: the most iterations bpf_loop runs.</summary>
    public const int MaxLoops = 1 << 23;

    // bpf_tail_call(ctx, prog_array, index): on success the run stops here and the runner starts
    // the target with the same context (the helper records the target and stops the run with a
    // fault that LoadedProgram recognises). An empty slot, an index out of range or the 34th
    // tail call falls through to the next instruction, as in the kernel.
    private static ulong TailCall(HelperContext c, ulong ctx, ulong map, ulong index, ulong r4, ulong r5)
    {
        var env = Env(c);
        var (m, _) = MapArg(c, map, env);
        if (m is not ProgramArrayMap programs)
            throw Fault(c, $"map '{m.Name}' is not a program array");
        if (index > uint.MaxValue || programs.Get((uint)index) is not { } target)
            return Err(MapErrno.ENOENT);
        if (env.TailCalls >= MaxTailCalls)
            return Err(MapErrno.ENOENT);
        env.TailCalls++;
        env.PendingTailCall = target;
        throw new BpfRuntimeException(new BpfRuntimeError(RuntimeErrorKind.HelperFailed, c.Pc, $"tail call to '{target.Name}'"));
    }

    // bpf_loop(nr_loops, callback_fn, callback_ctx, flags): calls callback(i, ctx) until it returns
    // non-zero or nr_loops calls were made; returns the number of calls.
    private static ulong Loop(HelperContext c, ulong count, ulong callback, ulong ctx, ulong flags, ulong r5)
    {
        var env = Env(c);
        if (flags != 0)
            return Err(MapErrno.EINVAL);
        if (count > MaxLoops)
            return Err(MapErrno.E2BIG);
        if ((callback & 0xFFFF_FFFF_0000_0000UL) != RunEnvironment.FunctionTag || env.Program is not { } program)
            throw Fault(c, $"bpf_loop: 0x{callback:x} is not a function of the running program");
        int entry = (int)(uint)callback;
        for (ulong i = 0; i < count; i++)
        {
            if (program.InvokeCallback(c, entry, i, ctx) != 0)
                return i + 1;
        }
        return count;
    }
}
