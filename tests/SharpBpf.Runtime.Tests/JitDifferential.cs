using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// Runs a program in the interpreter and the JIT over equal inputs and asserts the outcomes are
/// the same: r0, instruction count, error (kind, pc, message, address, size), and every mapped
/// byte afterwards (the buffer, the stack and whatever helpers mapped).
/// </summary>
internal static class JitDifferential
{
    /// <summary>
    /// Helpers whose effects both engines must reproduce: pure, failing, reading and writing
    /// through the context, mapping regions (past the JIT's inline capacity) and resetting the map.
    /// </summary>
    public static HelperRegistry Helpers() => HelperRegistry.CreateConformance()
        .Register(1, "mix", static (_, r1, r2, _, _, _) => r1 * 3 + r2)
        .Register(2, "fail", static (c, _, _, _, _, _) =>
            throw new BpfRuntimeException(new BpfRuntimeError(RuntimeErrorKind.HelperFailed, c.Pc, "helper 2 failed")))
        .Register(3, "map_region", static (c, r1, _, _, _, _) =>
        {
            var data = new byte[16 + (int)(r1 & 31)];
            for (int i = 0; i < data.Length; i++)
                data[i] = (byte)(i * 7 + 1);
            return c.Memory.Add(data, MemoryRegionKind.Data);
        })
        .Register(4, "read_u64", static (c, r1, _, _, _, _) => BinaryPrimitives.ReadUInt64LittleEndian(c.GetSpan(r1, 8, write: false)))
        .Register(6, "write_u64", static (c, r1, r2, _, _, _) =>
        {
            BinaryPrimitives.WriteUInt64LittleEndian(c.GetSpan(r1, 8, write: true), r2);
            return 0;
        })
        .Register(7, "map_read_only", static (c, _, _, _, _, _) => c.Memory.Add(new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }, MemoryRegionKind.MapValue, writable: false))
        .Register(8, "reset", static (c, _, _, _, _, _) =>
        {
            c.Memory.Reset();
            return 1;
        });

    /// <summary>How a compared run went, for tests that check their generators reach the interesting cases.</summary>
    public readonly record struct Outcome(ExecutionResult Result, bool CachedAccesses);

    /// <summary>Null when both engines rejected the program; throws when they disagree.</summary>
    public static Outcome? AssertSame(Instruction[] program, byte[]? memory, long budget, HelperRegistry helpers, JitOptions? options = null)
    {
        bool interpOk = BpfInterpreter.TryCreate(program, helpers, out var vm, out var interpDiag);
        bool jitOk = BpfJit.TryCompile(program, helpers, out var jit, out var jitDiag, options);
        Assert.Equal(interpOk, jitOk);
        if (!interpOk)
        {
            Assert.Equal(interpDiag!.ToString(), jitDiag!.ToString());
            return null;
        }
        using (jit)
        {
            vm!.InstructionBudget = budget;
            jit!.InstructionBudget = budget;
            var mapA = new MemoryMap();
            var mapB = new MemoryMap();
            var memA = memory is null ? null : (byte[])memory.Clone();
            var memB = memory is null ? null : (byte[])memory.Clone();
            var a = vm.Run(memA, mapA);
            var b = jit.Run(memB, mapB);
            string where = Describe(program);
            Assert.True(a.ReturnValue == b.ReturnValue, $"r0 0x{a.ReturnValue:x} vs 0x{b.ReturnValue:x}\n{where}");
            Assert.True(a.Instructions == b.Instructions, $"count {a.Instructions} vs {b.Instructions} ({a.Error} / {b.Error})\n{where}");
            Assert.True((a.Error is null) == (b.Error is null), $"error '{a.Error}' vs '{b.Error}'\n{where}");
            if (a.Error is not null)
            {
                Assert.True(a.Error.Kind == b.Error!.Kind && a.Error.Pc == b.Error.Pc, $"error '{a.Error}' vs '{b.Error}'\n{where}");
                if (a.Error.Kind != RuntimeErrorKind.Unsupported)
                    Assert.Equal(a.Error, b.Error);
            }
            if (memA is not null)
                Assert.True(memA.AsSpan().SequenceEqual(memB), $"buffer differs\n{where}");
            Assert.Equal(mapA.Count, mapB.Count);
            for (int i = 1; i < mapA.Count; i++)
                Assert.True(mapA[i].Span.SequenceEqual(mapB[i].Span), $"region {i} differs\n{where}");
            return new Outcome(b, Array.IndexOf(jit.Compiled.Graph.Cached, true) >= 0);
        }
    }

    public static string Describe(Instruction[] program) =>
        string.Join("\n", program.Select((insn, pc) => $"{pc,4}: {insn}"));
}
