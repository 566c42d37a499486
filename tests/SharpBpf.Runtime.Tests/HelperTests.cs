using System.Buffers.Binary;
using System.Text;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using SharpBpf.Core.Maps;
using SharpBpf.Runtime.Helpers;
using SharpBpf.Runtime.Hooks;
using SharpBpf.Runtime.Jit;
using SharpBpf.Runtime.Maps;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The standard helpers, called from programs on both engines. Programs are written in the LLVM
/// syntax; <c>rN = 0x1000_0000_0000_000K ll</c> stands for "map K" (BPF_PSEUDO_MAP_FD),
/// <c>0x2000...K</c> for "map K's value" (BPF_PSEUDO_MAP_VALUE) and <c>0x4000...T</c> for "the
/// function at slot T" (BPF_PSEUDO_FUNC).
/// </summary>
public sealed class HelperTests
{
    public static TheoryData<EngineKind> Engines => new() { EngineKind.Interpreter, EngineKind.Jit };

    internal static Instruction[] Assemble(string asm)
    {
        var code = Assembler.Assemble(asm, AsmSyntax.Llvm);
        for (int pc = 0; pc + 1 < code.Length; pc++)
        {
            if (!code[pc].IsWide)
                continue;
            ulong v = (uint)code[pc].Immediate | ((ulong)(uint)code[pc + 1].Immediate << 32);
            int low = (int)(uint)v;
            switch (v >> 60)
            {
                case 1: code[pc] = code[pc].WithSrc((int)LoadImm64Source.MapFd).WithImmediate(low); code[pc + 1] = code[pc + 1].WithImmediate(0); break;
                case 2: code[pc] = code[pc].WithSrc((int)LoadImm64Source.MapValue).WithImmediate(low); code[pc + 1] = code[pc + 1].WithImmediate(0); break;
                case 4: code[pc] = code[pc].WithSrc((int)LoadImm64Source.Func).WithImmediate(low - pc - 1); code[pc + 1] = code[pc + 1].WithImmediate(0); break;
            }
            pc++;
        }
        return code;
    }

    internal static LoadedProgram Load(string asm, EngineKind engine = EngineKind.Interpreter, params UserMap[] maps) =>
        LoadedProgram.Load(Assemble(asm), new ProgramLoadOptions { Maps = maps, Engine = engine, Verify = false, Type = ProgramType.Unspec });

    private static ulong Run(LoadedProgram p, RunOptions? options = null, int memory = 16)
    {
        var r = p.Run(new byte[memory], options);
        Assert.True(r.Success, r.Error?.ToString());
        return r.ReturnValue;
    }

    private static ArrayMap Text(string s, int size = 64)
    {
        var map = new ArrayMap("text", size, 1);
        Encoding.ASCII.GetBytes(s).CopyTo(map.ValueAt(0));
        return map;
    }

    private const string Counter = """
        r6 = 0
        *(u32 *)(r10 - 4) = r6
        r2 = r10
        r2 += -4
        r1 = 0x1000000000000000 ll
        call 1
        if r0 == 0 goto +2
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
        r0 = 0
        exit
        """;

    [Theory]
    [MemberData(nameof(Engines))]
    public void MapLookup_ReturnsAProgramPointerIntoTheValue(EngineKind engine)
    {
        var counts = new ArrayMap("counts", 8, 2);
        using var p = Load(Counter, engine, counts);
        for (int i = 0; i < 3; i++)
            Run(p);
        Assert.Equal(3UL, new BpfMap<uint, ulong>(counts).Lookup(0));
    }

    [Fact]
    public void MapUpdate_FlagErrorsReachTheProgram()
    {
        var hash = new HashMap("h", MapType.Hash, 4, 8, 4);
        using var p = Load("""
            r1 = 7
            *(u32 *)(r10 - 4) = r1
            *(u64 *)(r10 - 16) = r1
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 1
            call 2
            r6 = r0
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 1
            call 2
            r0 += r6
            exit
            """, maps: hash);
        Assert.Equal(unchecked((ulong)-MapErrno.EEXIST), Run(p));
        Assert.Equal(7UL, new BpfMap<uint, ulong>(hash).Lookup(7));
    }

    [Fact]
    public void PerCpuLookup_SeesTheRunsCpu()
    {
        var pc = new ArrayMap("pc", 8, 1, perCpu: true, possibleCpus: 4);
        using var p = Load(Counter, EngineKind.Interpreter, pc);
        Run(p, new RunOptions { Cpu = 2 });
        Run(p, new RunOptions { Cpu = 2 });
        Run(p, new RunOptions { Cpu = 3 });
        Assert.Equal([0UL, 0UL, 2UL, 1UL], new BpfMap<uint, ulong>(pc).LookupPerCpu(0)!);
        using var cpu = Load("call 8\nexit");
        Assert.Equal(3UL, Run(cpu, new RunOptions { Cpu = 3 }));
    }

    [Fact]
    public void TracePrintk_FormatsAsTheKernel()
    {
        var fmt = Text("a=%d b=%u c=%x d=%05d e=%-3u|\n\0");
        using var p = Load("""
            r1 = 0x2000000000000000 ll
            r2 = 64
            r3 = -5
            r4 = 7
            r5 = 255
            call 6
            exit
            """, maps: fmt);
        var output = new StringWriter();
        Assert.Equal(unchecked((ulong)-MapErrno.EINVAL), Run(p, new RunOptions { TraceOutput = output }));
        // Only 3 arguments: %05d has none left, so the kernel refuses the format.
        Assert.Equal("", output.ToString());
        var ok = Text("a=%d b=%u c=%x|%%\n\0");
        using var q = Load("""
            r1 = 0x2000000000000000 ll
            r2 = 64
            r3 = -5
            r4 = 7
            r5 = 255
            call 6
            exit
            """, maps: ok);
        var output2 = new StringWriter();
        Assert.Equal((ulong)"a=-5 b=7 c=ff|%\n".Length, Run(q, new RunOptions { TraceOutput = output2 }));
        Assert.Equal("a=-5 b=7 c=ff|%\n", output2.ToString());
    }

    [Fact]
    public void Snprintf_WritesTheTextAndReturnsItsLengthWithTheNul()
    {
        var fmt = Text("%lld:%s!%llx");
        var arg = Text("hi");
        var output = new ArrayMap("out", 32, 1);
        using var p = Load("""
            r1 = -7
            *(u64 *)(r10 - 24) = r1
            r1 = 0x2000000000000001 ll
            *(u64 *)(r10 - 16) = r1
            r1 = 255
            *(u64 *)(r10 - 8) = r1
            r1 = 0x2000000000000002 ll
            r2 = 32
            r3 = 0x2000000000000000 ll
            r4 = r10
            r4 += -24
            r5 = 24
            call 165
            exit
            """, maps: [fmt, arg, output]);
        Assert.Equal(9UL, Run(p));
        Assert.Equal("-7:hi!ff\0", Encoding.ASCII.GetString(output.ValueAt(0)[..9]));
    }

    [Theory]
    [InlineData("  -42xyz", 0, true, 5, -42)]
    [InlineData("0x1f", 0, false, 4, 31)]
    [InlineData("017", 0, false, 3, 15)]
    [InlineData("ff", 16, false, 2, 255)]
    [InlineData("abc", 10, true, -MapErrno.EINVAL, 0)]
    [InlineData("99999999999999999999", 10, false, -MapErrno.ERANGE, 0)]
    [InlineData("12", 7, true, -MapErrno.EINVAL, 0)]
    public void StrtolAndStrtoul(string text, int radix, bool signed, long consumed, long value)
    {
        var buf = Text(text.PadRight(24, '\0'), 24);
        var result = new ArrayMap("res", 8, 1);
        using var p = Load($"""
            r1 = 0x2000000000000000 ll
            r2 = {text.Length}
            r3 = {radix}
            r4 = 0x2000000000000001 ll
            call {(signed ? 105 : 106)}
            exit
            """, maps: [buf, result]);
        Assert.Equal(consumed, (long)Run(p));
        if (consumed > 0)
            Assert.Equal(value, BinaryPrimitives.ReadInt64LittleEndian(result.ValueAt(0)));
    }

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("abd", "abc", 1)]
    [InlineData("abb", "abc", -1)]
    [InlineData("ab", "abc", 0)]
    public void Strncmp(string s1, string s2, long expected)
    {
        using var p = Load($"""
            r1 = 0x2000000000000000 ll
            r2 = {s1.Length}
            r3 = 0x2000000000000001 ll
            call 182
            exit
            """, maps: [Text(s1), Text(s2)]);
        Assert.Equal(expected, (long)Run(p));
    }

    [Fact]
    public void ProbeRead_OnlyReadsProgramMemory()
    {
        using var p = Load("""
            r1 = -1
            *(u64 *)(r10 - 8) = r1
            r1 = r10
            r1 += -8
            r2 = 8
            r3 = 0x0234567800000000 ll
            call 113
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            """);
        Assert.Equal(unchecked((ulong)-MapErrno.EFAULT), Run(p)); // and the destination zeroed
        var value = Text("secret", 8);
        using var q = Load("""
            r1 = r10
            r1 += -8
            r2 = 8
            r3 = 0x2000000000000000 ll
            call 112
            r0 = *(u64 *)(r10 - 8)
            exit
            """, maps: value);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(value.ValueAt(0)), Run(q));
    }

    [Fact]
    public void ProbeReadStr_CopiesUpToTheNul()
    {
        var value = Text("hello");
        var output = new ArrayMap("out", 16, 1);
        using var p = Load("""
            r1 = 0x2000000000000001 ll
            r2 = 4
            r3 = 0x2000000000000000 ll
            call 115
            exit
            """, maps: [value, output]);
        Assert.Equal(4UL, Run(p));
        Assert.Equal("hel\0"u8.ToArray(), output.ValueAt(0)[..4].ToArray());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ringbuf_ReserveSubmitOutputQuery(EngineKind engine)
    {
        var ring = new RingBufferMap("rb", 4096);
        using var p = Load("""
            r1 = 0x1000000000000000 ll
            r2 = 16
            r3 = 0
            call 131
            if r0 == 0 goto +7
            r1 = 0x0111111111111111 ll
            *(u64 *)(r0 + 0) = r1
            *(u64 *)(r0 + 8) = r1
            r1 = r0
            r2 = 0
            call 132
            r1 = 0x2222
            *(u64 *)(r10 - 8) = r1
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -8
            r3 = 8
            r4 = 0
            call 130
            r1 = 0x1000000000000000 ll
            r2 = 0
            call 134
            exit
            """, engine, ring);
        Assert.Equal(40UL, Run(p)); // (16 + 8) + (8 + 8) bytes waiting
        Assert.Equal(0x0111111111111111UL, BinaryPrimitives.ReadUInt64LittleEndian(ring.TryRead()));
        Assert.Equal(0x2222UL, BinaryPrimitives.ReadUInt64LittleEndian(ring.TryRead()));
        Assert.Null(ring.TryRead());
    }

    [Fact]
    public void PerfEventOutput_GoesToTheCurrentCpusSlot()
    {
        var perf = new PerfEventArrayMap("events", 4);
        const string asm = """
            r1 = 0x55
            *(u64 *)(r10 - 8) = r1
            r1 = 0
            r2 = 0x1000000000000000 ll
            r3 = 0xffffffff ll
            r4 = r10
            r4 += -8
            r5 = 8
            call 25
            exit
            """;
        using var p = Load(asm, maps: perf);
        Assert.Equal(unchecked((ulong)-MapErrno.ENOENT), Run(p, new RunOptions { Cpu = 1 }));
        perf.Open();
        Assert.Equal(0UL, Run(p, new RunOptions { Cpu = 1 }));
        var samples = perf.Drain();
        Assert.Equal(1, Assert.Single(samples).Index);
    }

    [Fact]
    public void QueuePushPopPeek()
    {
        var queue = new QueueStackMap("q", MapType.Queue, 8, 2);
        using var p = Load("""
            r1 = 5
            *(u64 *)(r10 - 8) = r1
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -8
            r3 = 0
            call 87
            r1 = 6
            *(u64 *)(r10 - 8) = r1
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -8
            r3 = 0
            call 87
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -8
            call 88
            r6 = *(u64 *)(r10 - 8)
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -8
            call 89
            r0 = *(u64 *)(r10 - 8)
            r0 *= 10
            r0 += r6
            exit
            """, maps: queue);
        Assert.Equal(65UL, Run(p)); // popped 5, peeked 6
        Assert.Equal(1, queue.Count);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void TailCall_JumpsAndStopsAfter33(EngineKind engine)
    {
        var counts = new ArrayMap("counts", 8, 1);
        var programs = new ProgramArrayMap("progs", 4);
        using var p = Load("""
            r6 = r1
            r7 = 0
            *(u32 *)(r10 - 4) = r7
            r2 = r10
            r2 += -4
            r1 = 0x1000000000000000 ll
            call 1
            if r0 == 0 goto +2
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            r1 = r6
            r2 = 0x1000000000000001 ll
            r3 = 0
            call 12
            r0 = 7
            exit
            """, engine, counts, programs);
        Assert.Equal(7UL, Run(p)); // the empty slot falls through
        Assert.Equal(1UL, new BpfMap<uint, ulong>(counts).Lookup(0));
        programs.Set(0, p);
        var r = p.Run(new byte[16]);
        Assert.True(r.Success, r.Error?.ToString());
        Assert.Equal(7UL, r.ReturnValue);
        Assert.Equal(1UL + 1 + StandardHelpers.MaxTailCalls, new BpfMap<uint, ulong>(counts).Lookup(0));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Loop_CallsTheCallbackWithTheCallersStack(EngineKind engine)
    {
        using var p = Load("""
            r6 = 0
            *(u64 *)(r10 - 8) = r6
            r1 = 10
            r2 = 0x400000000000000d ll
            r3 = r10
            r3 += -8
            r4 = 0
            call 181
            r1 = *(u64 *)(r10 - 8)
            r1 *= 100
            r0 += r1
            exit
            r0 = 0
            r3 = *(u64 *)(r2 + 0)
            r3 += r1
            *(u64 *)(r2 + 0) = r3
            if r1 != 6 goto +1
            r0 = 1
            exit
            """, engine);
        // Stopped by the callback at index 6: 7 calls, 0 + 1 + ... + 6 = 21.
        Assert.Equal(2107UL, Run(p));
    }

    [Fact]
    public void HostHelpers_ExtendTheRegistry()
    {
        var registry = StandardHelpers.Create().Register(1000, "host_double", static (c, r1, _, _, _, _) => r1 * 2 + (ulong)(int)(c.Environment!.HostState as int? ?? 0));
        using var p = LoadedProgram.Load(Assemble("r1 = 21\ncall 1000\nexit"), new ProgramLoadOptions { Helpers = registry, Verify = false });
        Assert.Equal(43UL, p.Run(new byte[1], new RunOptions { HostState = 1 }).ReturnValue);
    }

    [Fact]
    public void BadMapHandle_FaultsTheRun()
    {
        using var p = Load("r1 = 5\nr2 = r10\ncall 1\nexit");
        var r = p.Run(new byte[4]);
        Assert.False(r.Success);
        Assert.Contains("is not a map", r.Error!.Message, StringComparison.Ordinal);
    }
}
