using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Runtime.Jit;

public sealed unsafe partial class JitProgram
{
    /// <summary>
    /// Runs the program <paramref name="repeat"/> times on one buffer and reports the last result
    /// and the mean time per run: the kernel's <c>BPF_PROG_TEST_RUN</c> with <c>repeat</c>, whose
    /// loop calls the compiled program directly. Each run is a whole run (registers, counter,
    /// may_goto allowance and every check as in <see cref="Run(byte[], MemoryMap)"/>); what is
    /// hoisted out of the loop is the setup a run over the same buffer repeats: pinning, the run
    /// block and the region descriptors. Stops at the first run that faults.
    /// </summary>
    /// <remarks>
    /// The time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), like the kernel's test-run
    /// timer, which stops while the task is rescheduled: other work on the machine does not count.
    /// Programs with helpers, or maps of more than one mapped region, run <see cref="Run(byte[], MemoryMap)"/> in the loop.
    /// </remarks>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public JitTestRun TestRun(byte[]? memory, MemoryMap? map, int repeat)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeat);
        ObjectDisposedException.ThrowIf(_code.IsClosed, this);
        map ??= new MemoryMap();
        ulong r1 = 0, r2 = 0;
        int packetRegion = 0;
        if (memory is null)
        {
            map.Reset();
        }
        else
        {
            r1 = map.ResetToPacket(memory);
            r2 = (ulong)memory.Length;
            packetRegion = (int)(r1 >> 32);
        }
        int count = map.Count;
        long start;
        if (_assumesBuffer && !MeetsProofs(map, r1, r2))
            return Checked().TestRun(memory, map, repeat);
        if (count > 3 || _usesHelpers)
        {
            ExecutionResult last = default;
            int runs = 0;
            start = ThreadCpuNanoseconds();
            while (runs < repeat)
            {
                last = RunCore(map, r1, r2, packetRegion);
                runs++;
                if (last.Error is not null)
                    break;
            }
            return new JitTestRun(last, runs, (double)(ThreadCpuNanoseconds() - start) / runs);
        }
        ref MemoryRegion regions = ref MemoryMarshal.GetArrayDataReference(map.Regions);
        ref readonly MemoryRegion stack = ref Unsafe.Add(ref regions, MemoryMap.StackIndex);
        long budget = _budget;
        byte* header = stackalloc byte[JitFrame.Size + 3 * RegionDescriptor.Size];
        byte* block = header + JitFrame.Size;
        var h = (JitFrame*)header;
        fixed (byte* stackData = &MemoryMarshal.GetArrayDataReference(stack.Data))
        fixed (byte* firstData = count > 2 ? Unsafe.Add(ref regions, 2).Data : null)
        {
            Prepare(h, r1, r2, packetRegion, stackData + stack.Start, count);
            var d = (ulong*)block;
            d[0] = 0;
            d[1] = 0;
            d[2] = 0;
            Describe(block, 1, in stack, stackData);
            if (count > 2)
            {
                Describe(block, 2, in Unsafe.Add(ref regions, 2), firstData);
                SetBufferBias(h, in Unsafe.Add(ref regions, 2), firstData);
            }
            int runs;
            start = ThreadCpuNanoseconds();
            if (_skipTransition)
                runs = LoopWithoutTransition(block, repeat);
            else
                runs = Loop(block, repeat);
            double ns = (double)(ThreadCpuNanoseconds() - start) / runs;
            GC.KeepAlive(this);
            var result = h->FaultSite < 0 ? new ExecutionResult(h->R0, h->Counter + budget, null) : Finish(h, map, budget, null);
            return new JitTestRun(result, runs, ns);
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        long* ts = stackalloc long[2];
        if (Native.ClockGetTime(Native.ClockThreadCpuTime, ts) != 0)
            return Stopwatch.GetTimestamp() * (1_000_000_000 / Stopwatch.Frequency);
        return ts[0] * 1_000_000_000 + ts[1];
    }

    /// <summary>The test-run loop for code that may skip the GC transition: one indirect call per run.</summary>
    private int LoopWithoutTransition(byte* block, int repeat)
    {
        var entry = _shortEntry;
        var h = (JitFrame*)(block - JitFrame.Size);
        bool mayGoto = _usesMayGoto;
        for (int k = 1; ; k++)
        {
            if (mayGoto)
                h->MayGoto = BpfInterpreter.MayGotoBudget;
            entry(block);
            if (h->FaultSite >= 0 || k == repeat)
                return k;
        }
    }

    /// <summary>The test-run loop with a GC transition per run (programs whose runs may be long).</summary>
    private int Loop(byte* block, int repeat)
    {
        var h = (JitFrame*)(block - JitFrame.Size);
        bool mayGoto = _usesMayGoto;
        for (int k = 1; ; k++)
        {
            if (mayGoto)
                h->MayGoto = BpfInterpreter.MayGotoBudget;
            Call(block);
            if (h->FaultSite >= 0 || k == repeat)
                return k;
        }
    }
}
