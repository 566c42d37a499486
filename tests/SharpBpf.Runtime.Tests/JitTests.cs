using System.Buffers.Binary;
using CsCheck;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Files;
using SharpBpf.Core.Formatting;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The x86-64 JIT: every instruction family against the interpreter (the specification), faults
/// with their pcs, the budget, helpers, the run block's growth, executable memory's lifetime and
/// the fallback to the interpreter.
/// </summary>
public sealed class JitTests
{
    private static JitProgram Compile(string asm, HelperRegistry? helpers = null, JitOptions? options = null) =>
        BpfJit.Compile(Assembler.Assemble(asm, AsmSyntax.Llvm), helpers ?? HelperRegistry.CreateConformance(), options);

    private static ExecutionResult Run(string asm, byte[]? memory = null, long budget = 1_000_000, HelperRegistry? helpers = null)
    {
        using var jit = Compile(asm, helpers);
        jit.InstructionBudget = budget;
        return jit.Run(memory);
    }

    /// <summary>Asserts both engines agree on the program and returns what they did.</summary>
    private static ExecutionResult Same(string asm, byte[]? memory = null, long budget = 1_000_000, HelperRegistry? helpers = null)
    {
        var program = Assembler.Assemble(asm, AsmSyntax.Llvm);
        var outcome = JitDifferential.AssertSame(program, memory, budget, helpers ?? JitDifferential.Helpers());
        Assert.NotNull(outcome);
        return outcome.Value.Result;
    }

    [Theory]
    // ALU64 and ALU32 with immediates and registers, zero extension, shifts masked.
    [InlineData("r0 = 5\nr0 += -7\nr0 -= 3\nr0 *= -5\nr0 |= 0x100\nr0 &= -16\nr0 ^= 0x0f\nexit")]
    [InlineData("r0 = -1\nw0 += 1\nexit")]
    [InlineData("r0 = -1\nw0 = w0\nw1 = -1\nw1 *= 3\nr0 += r1\nexit")]
    [InlineData("r0 = 1\nr1 = 65\nr0 <<= r1\nr2 = -1\nr2 >>= r1\nr3 = -16\nr3 s>>= r1\nr0 += r2\nr0 += r3\nexit")]
    [InlineData("w0 = 1\nw1 = 33\nw0 <<= w1\nw2 = -1\nw2 >>= w1\nw3 = -16\nw3 s>>= w1\nr0 += r2\nr0 += r3\nexit")]
    [InlineData("r0 = 0x1234\nr4 = 3\nr0 <<= r4\nr4 <<= r4\nr0 += r4\nw4 >>= w0\nr0 += r4\nexit")]
    [InlineData("w0 = -1\nw0 <<= 0\nw1 = 7\nw1 >>= 0\nr0 += r1\nexit")]
    [InlineData("r0 = 7\nr0 = -r0\nw1 = -2147483648\nw1 = -w1\nr0 ^= r1\nexit")]
    // Division and modulo: by zero, by -1, INT_MIN / -1, registers that are r0 and r3 (rax, rdx).
    [InlineData("r0 = 9\nr1 = 0\nr0 /= r1\nr2 = 9\nr2 %= r1\nr0 += r2\nexit")]
    [InlineData("r0 = -9\nr0 s/= 0\nr1 = -9\nr1 s%= 0\nr0 += r1\nexit")]
    [InlineData("r0 = -7\nr0 s/= 2\nr1 = -7\nr1 s%= 2\nr2 = 7\nr2 s%= -2\nr0 += r1\nr0 += r2\nexit")]
    [InlineData("r0 = -9223372036854775808 ll\nr0 s/= -1\nr1 = -9223372036854775808 ll\nr1 s%= -1\nr0 += r1\nexit")]
    [InlineData("w0 = -2147483648\nw0 s/= -1\nw1 = -2147483648\nw1 s%= -1\nr0 += r1\nexit")]
    [InlineData("r0 = -1\nw1 = 0\nw0 /= w1\nr2 = -1\nw2 %= w1\nr0 += r2\nexit")]
    [InlineData("r3 = 100\nr0 = 7\nr3 /= r0\nr0 = 1000\nr3 = 7\nr0 %= r3\nr0 += r3\nexit")]
    [InlineData("r3 = -100\nr0 = 7\nr3 s/= r0\nr0 = -1000\nr3 = -7\nr0 s%= r3\nr0 += r3\nexit")]
    [InlineData("r0 = 1000\nr3 = 7\nr3 /= r3\nr0 %= r0\nr0 += r3\nexit")]
    [InlineData("r1 = -1\nr2 = r10\nr1 /= r2\nr0 = r1\nexit")]
    // movsx, byte order.
    [InlineData("r1 = 0x80\nr0 = (s8)r1\nr2 = 0x8000\nr2 = (s16)r2\nr3 = 0x80000000 ll\nr3 = (s32)r3\nr0 ^= r2\nr0 ^= r3\nexit")]
    [InlineData("w1 = 0x80\nw0 = (s8)w1\nw2 = 0x8000\nw2 = (s16)w2\nr0 ^= r2\nexit")]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = be16 r0\nr1 = 0x1122334455667788 ll\nr1 = be32 r1\nr2 = 0x1122334455667788 ll\nr2 = be64 r2\nr0 ^= r1\nr0 ^= r2\nexit")]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = le16 r0\nr1 = 0x1122334455667788 ll\nr1 = le32 r1\nr2 = 0x1122334455667788 ll\nr2 = le64 r2\nr0 ^= r1\nr0 ^= r2\nexit")]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = bswap16 r0\nr1 = 0x1122334455667788 ll\nr1 = bswap32 r1\nr0 ^= r1\nexit")]
    // r10 as a value.
    [InlineData("r0 = r10\nw1 = w10\nr0 ^= r1\nr2 = r10\nr2 += r10\nr0 += r2\nexit")]
    // Jumps, JMP32, signed and unsigned, jset.
    [InlineData("r0 = 0\nr1 = -1\nif r1 > 5 goto +1\nr0 |= 1\nif r1 s> 5 goto +1\nr0 |= 2\nif w1 == -1 goto +1\nr0 |= 4\nif r1 & 0x10 goto +1\nr0 |= 8\nexit")]
    [InlineData("r0 = 0\nr1 = 0x100000001 ll\nif w1 == 1 goto +1\nr0 |= 1\nif r1 == 1 goto +1\nr0 |= 2\nif w1 s< 2 goto +1\nr0 |= 4\nexit")]
    [InlineData("r0 = 0\nr1 = 3\nr2 = r10\nif r2 > r1 goto +1\nr0 = 1\nif r10 > r1 goto +1\nr0 |= 2\nexit")]
    [InlineData("r0 = 0\nr1 = 0\nl:\nr0 += r1\nr1 += 1\nif r1 < 100 goto l\ngotol +1\nr0 = 0\nexit")]
    // may_goto: falls through until the allowance is spent.
    [InlineData("r0 = 0\nl:\nmay_goto +2\nr0 += 1\ngoto l\nexit")]
    // Calls: r1-r5 in, r0 out, r6-r9 preserved, own frames.
    [InlineData("r1 = 7\nr6 = 1\nr7 = 2\nr8 = 3\nr9 = 4\ncall f\nr0 += r6\nr0 += r7\nr0 += r8\nr0 += r9\nexit\nf:\nr6 = 100\nr9 = 100\nr0 = r1\nexit")]
    [InlineData("r1 = 7\n*(u64 *)(r10 - 8) = r1\ncall f\nr0 = *(u64 *)(r10 - 8)\nexit\nf:\nr1 = 99\n*(u64 *)(r10 - 8) = r1\nr0 = r10\nexit")]
    [InlineData("r1 = 43\ncall 5\nr1 = 44\nr2 = 5\ncallx r2\nexit")]
    [InlineData("r1 = 5\nr2 = 6\nr3 = 7\nr4 = 8\nr5 = 9\ncall 1\nr0 += r1\nr0 += r2\nr0 += r3\nr0 += r4\nr0 += r5\nexit")]
    // Loads and stores of every size, sign-extending loads, store immediates.
    [InlineData("r0 = *(u8 *)(r1 + 0)\nr2 = *(u16 *)(r1 + 1)\nr3 = *(u32 *)(r1 + 2)\nr4 = *(u64 *)(r1 + 3)\nr0 ^= r2\nr0 ^= r3\nr0 ^= r4\nexit")]
    [InlineData("r0 = *(s8 *)(r1 + 0)\nr2 = *(s16 *)(r1 + 1)\nr3 = *(s32 *)(r1 + 2)\nr0 ^= r2\nr0 ^= r3\nexit")]
    [InlineData("*(u64 *)(r10 - 8) = -100\n*(u8 *)(r10 - 8) = -100\n*(u16 *)(r10 - 4) = 0x1234\n*(u32 *)(r1 + 4) = -2\nr0 = *(u64 *)(r10 - 8)\nexit")]
    [InlineData("r2 = r10\n*(u64 *)(r1 + 0) = r2\n*(u64 *)(r10 - 16) = r10\nr0 = *(u64 *)(r10 - 16)\nexit")]
    [InlineData("r2 = r10\nr2 += -600\n*(u64 *)(r2 + 0) = r2\nr0 = *(u64 *)(r10 - 600)\nexit")]
    // Atomics: every operation, both widths, src in r0.
    [InlineData("r1 = 10\n*(u64 *)(r10 - 8) = r1\nr2 = 3\nlock *(u64 *)(r10 - 8) += r2\nlock *(u64 *)(r10 - 8) |= r2\nlock *(u64 *)(r10 - 8) &= r1\nlock *(u64 *)(r10 - 8) ^= r2\nr0 = *(u64 *)(r10 - 8)\nexit")]
    [InlineData("r1 = 10\n*(u64 *)(r10 - 8) = r1\nr2 = 3\nr2 = atomic_fetch_add((u64 *)(r10 - 8), r2)\nr3 = 12\nr3 = atomic_fetch_or((u64 *)(r10 - 8), r3)\nr4 = 6\nr4 = atomic_fetch_and((u64 *)(r10 - 8), r4)\nr5 = 5\nr5 = atomic_fetch_xor((u64 *)(r10 - 8), r5)\nr0 = *(u64 *)(r10 - 8)\nr0 += r2\nr0 += r3\nr0 += r4\nr0 += r5\nexit")]
    [InlineData("r1 = -1\n*(u64 *)(r10 - 8) = r1\nw2 = 0\nw2 = atomic_fetch_or((u32 *)(r10 - 8), w2)\nw3 = 1\nw3 = xchg32_32(r10 - 8, w3)\nr0 = *(u64 *)(r10 - 8)\nr0 += r2\nr0 += r3\nexit")]
    [InlineData("r1 = 10\n*(u64 *)(r10 - 8) = r1\nr0 = 5\nr0 = atomic_fetch_add((u64 *)(r10 - 8), r0)\nr0 = atomic_fetch_xor((u64 *)(r10 - 8), r0)\nr1 = *(u64 *)(r10 - 8)\nr0 += r1\nexit")]
    [InlineData("r1 = 10\n*(u64 *)(r10 - 8) = r1\nr0 = 10\nr2 = 77\nr0 = cmpxchg_64(r10 - 8, r0, r2)\nr3 = r0\nr0 = 11\nr0 = cmpxchg_64(r10 - 8, r0, r2)\nr0 += r3\nexit")]
    [InlineData("r0 = -1\n*(u64 *)(r10 - 8) = r0\nw0 = -1\nw2 = 5\nw0 = cmpxchg32_32(r10 - 8, w0, w2)\nr1 = *(u64 *)(r10 - 8)\nr0 += r1\nexit")]
    [InlineData("r2 = 0x1234\nstore_release((u16 *)(r10 - 2), w2)\nw0 = load_acquire((u16 *)(r10 - 2))\nr3 = -1\nstore_release((u64 *)(r1 + 0), r3)\nr4 = load_acquire((u64 *)(r1 + 0))\nr0 += r4\nexit")]
    // Legacy packet loads: big-endian, out of bounds returns 0 at once.
    [InlineData("r0 = *(u32 *)skb[2]\nr7 = r0\nr6 = 2\nr0 = *(u16 *)skb[r6 + 2]\nr7 += r0\nr0 = *(u8 *)skb[7]\nr0 += r7\nexit")]
    [InlineData("r0 = *(u32 *)skb[6]\nr0 = 5\nexit")]
    [InlineData("r6 = -1\nr0 = *(u8 *)skb[r6]\nr0 = 5\nexit")]
    [InlineData("r6 = 0x100000000 ll\nr0 = *(u8 *)skb[r6]\nr0 = 5\nexit")]
    public void Agrees_with_the_interpreter(string asm)
    {
        var memory = new byte[] { 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 9, 10, 11, 12 };
        Same(asm, memory);
        Same(asm);
    }

    [Theory]
    [InlineData("r0 = *(u64 *)(r1 + 1)\nexit", 0, 8, false)]
    [InlineData("r0 = *(u8 *)(r1 - 1)\nexit", 0, 1, false)]
    [InlineData("r0 = *(u8 *)(r10 + 0)\nexit", 0, 1, false)]
    [InlineData("r0 = *(u64 *)(r10 - 4104)\nexit", 0, 8, false)]
    [InlineData("r2 = 0\nr0 = *(u32 *)(r2 + 0)\nexit", 1, 4, false)]
    [InlineData("r2 = 0x7fff00001000 ll\n*(u32 *)(r2 + 0) = 1\nexit", 2, 4, true)]
    [InlineData("*(u64 *)(r1 + 4) = 1\nexit", 0, 8, true)]
    [InlineData("r0 = *(u8 *)(r1 + 0)\nr0 = *(u8 *)(r1 + 8)\nexit", 1, 1, false)]
    [InlineData("r0 = *(u8 *)(r1 + 7)\nr0 = *(u8 *)(r1 + 3)\n*(u8 *)(r1 - 1) = r0\nexit", 2, 1, true)]
    [InlineData("r1 += -8\nr0 = *(u8 *)(r1 + 8)\nr0 = *(u8 *)(r1 + 7)\nexit", 2, 1, false)]
    [InlineData("r2 = 1\nlock *(u64 *)(r1 + 4) += r2\nexit", 1, 8, true)]
    [InlineData("r2 = 1\nstore_release((u64 *)(r1 + 1), r2)\nexit", 1, 8, true)]
    [InlineData("r0 = load_acquire((u64 *)(r1 + 1))\nexit", 0, 8, false)]
    public void Out_of_bounds_access_faults_exactly_like_the_interpreter(string asm, int pc, int size, bool write)
    {
        var r = Same(asm, new byte[8]);
        var e = r.Error!;
        Assert.Equal(RuntimeErrorKind.OutOfBounds, e.Kind);
        Assert.Equal(pc, e.Pc);
        Assert.Equal(size, e.Size);
        Assert.Contains(write ? "store" : "load", e.Message, StringComparison.Ordinal);
        Assert.Contains($"0x{e.Address:x}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    // A base 8 bytes below the packet region (the stack region's offset 0xfffffff8): base + 8 is
    // the packet's first byte, base + 0..7 are far out of the stack region. The first access fills
    // the base's cache slot; later ones must not trust it below the bytes actually checked.
    [InlineData("r0 = *(u8 *)(r3 + 8)\nr0 = *(u8 *)(r3 + 9)\nr0 = *(u8 *)(r3 + 0)\nexit")]
    [InlineData("r0 = *(u8 *)(r3 + 9)\nr0 = *(u8 *)(r3 + 8)\nr0 = *(u8 *)(r3 + 7)\nexit")]
    [InlineData("r0 = *(u8 *)(r3 + 8)\nr0 = *(u32 *)(r3 + 6)\nexit")]
    [InlineData("*(u8 *)(r3 + 8) = 1\nr0 = *(u8 *)(r3 + 10)\n*(u8 *)(r3 + 4) = 2\nexit")]
    [InlineData("r0 = *(u8 *)(r3 + 12)\nif r0 == 7 goto +1\nr0 = *(u8 *)(r3 + 8)\nr0 = *(u8 *)(r3 + 2)\nexit")]
    [InlineData("r0 = *(u8 *)(r3 + 8)\nr0 = *(u8 *)(r3 + 15)\nr0 = *(u8 *)(r3 + 16)\nexit")]
    // A base 4 bytes into the packet: negative offsets reach its start and no further.
    [InlineData("r3 = r1\nr3 += 4\nr0 = *(u8 *)(r3 - 4)\nr0 = *(u8 *)(r3 - 2)\nr0 = *(u8 *)(r3 - 5)\nexit")]
    [InlineData("r3 = r1\nr3 += 4\nr0 = *(u8 *)(r3 + 0)\nr0 = *(u16 *)(r3 - 4)\n*(u64 *)(r3 - 4) = r0\nr0 = *(u8 *)(r3 + 12)\nexit")]
    public void Cached_translations_never_reach_past_what_was_checked(string body)
    {
        string asm = "r3 = 0x1fffffff8 ll\n" + body;
        foreach (int size in new[] { 16, 12, 9 })
        {
            var memory = new byte[size];
            memory[4] = 7;
            Same(asm, memory);
        }
    }

    [Fact]
    public void Misaligned_atomics_fault_like_the_interpreter()
    {
        var r = Same("r2 = 1\nlock *(u64 *)(r10 - 12) += r2\nexit");
        Assert.Equal(RuntimeErrorKind.MisalignedAtomic, r.Error!.Kind);
        Assert.Equal(1, r.Error.Pc);
    }

    [Fact]
    public void Read_only_regions_reject_stores()
    {
        var program = Assembler.Assemble("r0 = *(u64 *)(r1 + 8)\n*(u64 *)(r1 + 0) = 1\nexit");
        using var jit = BpfJit.Compile(program);
        var map = new MemoryMap();
        var ro = map.Add(new byte[16], MemoryRegionKind.Data, writable: false);
        var r = jit.Run(map, ro, 16);
        Assert.Equal(RuntimeErrorKind.OutOfBounds, r.Error!.Kind);
        Assert.Equal(1, r.Error.Pc);
        Assert.Equal(BpfInterpreter.Create(program).Run(map, ro, 16), r);
    }

    [Fact]
    public void Budget_stops_goto_self()
    {
        // l: goto l
        var program = new[] { new Instruction(Opcodes.ClassJmp | Opcodes.Ja, 0, 0, -1, 0) };
        using var jit = BpfJit.Compile(program);
        jit.InstructionBudget = 1000;
        var r = jit.Run(null);
        Assert.Equal(RuntimeErrorKind.BudgetExceeded, r.Error!.Kind);
        Assert.Equal(0, r.Error.Pc);
        Assert.Equal(1001, r.Instructions);
        Assert.Equal(new ExecutionResult(0, 1001, r.Error), r);
    }

    [Fact]
    public void Budget_is_exact_at_every_value()
    {
        // Nested loops, a call and may_goto: for every budget the fault (or exit) and the count match.
        const string asm = """
            r0 = 0
            r6 = 0
            outer:
            r7 = 0
            inner:
            r0 += r7
            r7 += 1
            if r7 < 3 goto inner
            call f
            r6 += 1
            may_goto +1
            if r6 < 4 goto outer
            exit
            f:
            r0 += 1
            exit
            """;
        for (long budget = -1; budget < 80; budget++)
            Same(asm, budget: budget);
    }

    [Fact]
    public void Instruction_counts_match_on_the_benchmark_programs()
    {
        var folder = TestPaths.RequireShared("bench", "data");
        foreach (var path in Directory.EnumerateFiles(folder, "*.data"))
        {
            if (Path.GetFileName(path) == "arith_loop.data")
                continue; // 11M instructions in the interpreter: the conformance theory covers its result
            var file = ProgramFile.Load(path);
            var r = JitDifferential.AssertSame(file.Instructions, file.Memory, 1_000_000_000, HelperRegistry.CreateConformance());
            Assert.True(r!.Value.Result.Success);
        }
    }

    [Fact]
    public void Running_off_the_end_and_kfuncs_fault()
    {
        var r = Same("r0 = 1\nif r0 == 1 goto +1\nexit\nr0 = 2");
        Assert.Equal(RuntimeErrorKind.FellOffEnd, r.Error!.Kind);
        Assert.Equal(4, r.Error.Pc);
        var kfunc = new[] { new Instruction(Opcodes.CallOpcode, 0, (int)CallSource.Kfunc, 0, 1234), new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0) };
        using var jit = BpfJit.Compile(kfunc);
        var k = jit.Run(null);
        Assert.Equal(RuntimeErrorKind.Unsupported, k.Error!.Kind);
        Assert.Equal(0, k.Error.Pc);
        Assert.Contains("1234", k.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_depth_is_limited_to_eight_frames()
    {
        var r = Same("call f\nexit\nf:\ncall f\nexit");
        Assert.Equal(RuntimeErrorKind.CallDepthExceeded, r.Error!.Kind);
        var sb = new System.Text.StringBuilder("r0 = 0\ncall f1\nexit\n");
        for (int i = 1; i <= 7; i++)
            sb.Append($"f{i}:\nr0 += 1\n*(u64 *)(r10 - 512) = r0\n{(i < 7 ? $"call f{i + 1}\n" : "")}exit\n");
        var ok = Same(sb.ToString());
        Assert.Equal(7UL, ok.ReturnValue);
    }

    [Fact]
    public void Helper_faults_stop_the_run_at_the_call()
    {
        var r = Same("r1 = 1\ncall 2\nr0 = 1\nexit");
        Assert.Equal(RuntimeErrorKind.HelperFailed, r.Error!.Kind);
        Assert.Equal(1, r.Error.Pc);
        var oob = Same("r1 = 0\ncall 4\nexit");
        Assert.Equal(RuntimeErrorKind.OutOfBounds, oob.Error!.Kind);
        var callx = Same("r2 = 77\ncallx r2\nexit");
        Assert.Equal(RuntimeErrorKind.UnknownHelper, callx.Error!.Kind);
        Assert.Equal(1, callx.Error.Pc);
    }

    [Fact]
    public void Regions_mapped_by_helpers_are_usable_past_the_inline_capacity()
    {
        // Map 3 * 12 regions (the block holds 8), write through each, read them all back.
        const string asm = """
            r6 = 0
            r7 = 0
            l:
            r1 = r6
            call 3
            *(u64 *)(r10 - 8) = r0
            *(u8 *)(r0 + 5) = r6
            r1 = *(u8 *)(r0 + 5)
            r7 += r1
            r6 += 1
            if r6 < 36 goto l
            r1 = *(u64 *)(r10 - 8)
            r0 = *(u8 *)(r1 + 15)
            r0 += r7
            exit
            """;
        var r = Same(asm, new byte[4]);
        Assert.True(r.Success, r.Error?.ToString());
        Assert.Equal(Enumerable.Range(0, 36).Sum() + 15 * 7 + 1, (int)r.ReturnValue);
    }

    [Fact]
    public void Maps_with_many_regions_work_without_helpers()
    {
        // r1 = region 3, r2 = region 12; LD_ABS reads region 7; region 5 is read-only.
        const string asm = """
            r0 = *(u64 *)(r1 + 8)
            r3 = *(u32 *)(r2 + 4)
            r0 += r3
            *(u32 *)(r2 + 0) = r0
            r7 = r0
            r0 = *(u8 *)skb[3]
            r0 += r7
            r5 = 0x500000000 ll
            r6 = *(u8 *)(r5 + 1)
            r0 += r6
            *(u8 *)(r5 + 1) = r0
            exit
            """;
        var program = Assembler.Assemble(asm);
        using var jit = BpfJit.Compile(program);
        var vm = BpfInterpreter.Create(program);
        (MemoryMap Map, ulong R1, ulong R2) Build()
        {
            var map = new MemoryMap();
            ulong r1 = 0, r2 = 0;
            for (int i = 2; i < 14; i++)
            {
                var data = new byte[16 + i];
                for (int k = 0; k < data.Length; k++)
                    data[k] = (byte)(i * 16 + k);
                ulong a = map.Add(data, 1, data.Length - 1, MemoryRegionKind.Data, writable: i != 5);
                if (i == 3) r1 = a;
                if (i == 12) r2 = a;
            }
            return (map, r1, r2);
        }
        var (ma, r1a, r2a) = Build();
        var (mb, r1b, r2b) = Build();
        var expected = vm.Run(ma, r1a, r2a, packetRegion: 7);
        var actual = jit.Run(mb, r1b, r2b, packetRegion: 7);
        Assert.Equal(expected, actual);
        Assert.Equal(RuntimeErrorKind.OutOfBounds, actual.Error!.Kind);
        Assert.Equal(11, actual.Error.Pc);
        for (int i = 0; i < ma.Count; i++)
            Assert.True(ma[i].Span.SequenceEqual(mb[i].Span));
    }

    [Fact]
    public void A_helper_that_resets_the_map_unmaps_the_packet()
    {
        var r = Same("r6 = r1\nr0 = *(u8 *)(r6 + 0)\ncall 8\nr0 = *(u8 *)(r6 + 0)\nexit", new byte[8]);
        Assert.Equal(RuntimeErrorKind.OutOfBounds, r.Error!.Kind);
        Assert.Equal(3, r.Error.Pc);
    }

    [Fact]
    public void Helper_exceptions_pass_through_run_and_leave_the_program_usable()
    {
        var helpers = new HelperRegistry().Register(1, "boom", static (_, r1, _, _, _, _) =>
            r1 == 0 ? throw new InvalidOperationException("boom") : r1 + 1);
        using var jit = Compile("call 1\nexit", helpers);
        var map = new MemoryMap();
        var e = Assert.Throws<InvalidOperationException>(() => jit.Run(map, 0, 0));
        Assert.Equal("boom", e.Message);
        var r = jit.Run(map, 41, 0);
        Assert.Equal(42UL, r.ReturnValue);
    }

    [Fact]
    public void Helpers_may_run_other_jit_programs()
    {
        using var inner = Compile("r0 = *(u8 *)(r1 + 1)\nr0 += 100\nexit");
        var helpers = new HelperRegistry().Register(1, "nested", (_, r1, _, _, _, _) => inner.Run(new byte[] { 0, (byte)r1 }).ReturnValue);
        using var outer = Compile("r6 = *(u8 *)(r1 + 0)\nr1 = r6\ncall 1\nr0 += r6\nr1 = 2\ncall 1\nr0 += r6\nexit", helpers);
        var r = outer.Run(new byte[] { 5 });
        Assert.True(r.Success, r.Error?.ToString());
        Assert.Equal(102UL + 5, r.ReturnValue);
    }

    [Fact]
    public void Runs_on_many_threads_at_once_do_not_interfere()
    {
        using var jit = Compile("r0 = 0\nr2 = 0\nl:\nr3 = r1\nr3 += r2\nr4 = *(u8 *)(r3 + 0)\nr0 += r4\n*(u64 *)(r10 - 8) = r0\nr2 += 1\nif r2 < 64 goto l\nr0 = *(u64 *)(r10 - 8)\nexit");
        Parallel.For(0, 2000, i =>
        {
            var buf = new byte[64];
            Array.Fill(buf, (byte)(i % 200));
            var r = jit.Run(buf);
            Assert.Equal((ulong)(64 * (i % 200)), r.ReturnValue);
        });
    }

    [Fact]
    public void Random_bytes_never_crash_the_jit()
    {
        var helpers = JitDifferential.Helpers();
        int compiled = 0;
        // Pure noise rarely decodes, so also flip bytes of valid programs: odd but loadable code.
        var noise = Gen.Byte.Array[8, 400];
        var mutated = Gen.Select(InstructionGen.Program, Gen.Int, Gen.Int.Array[1, 3], (p, seed, flips) =>
        {
            p = AdversarialTests.FixTargets(p, seed);
            var bytes = new byte[p.Length * 8];
            for (int i = 0; i < p.Length; i++)
                p[i].Write(bytes.AsSpan(i * 8));
            foreach (int f in flips)
                bytes[(int)((uint)f % bytes.Length)] ^= (byte)(1 << (f >>> 29));
            return bytes;
        });
        Gen.Frequency((1, noise), (3, mutated)).Select(Gen.Byte.Array[0, 64], (code, mem) => (code, mem)).Sample(t =>
        {
            if (!ProgramDecoder.TrySplit(t.code.AsSpan(0, t.code.Length / 8 * 8), out var program, out _))
                return;
            if (!BpfJit.TryCompile(program, helpers, out var jit, out var d))
            {
                Assert.NotNull(d);
                return;
            }
            using (jit)
            {
                jit!.InstructionBudget = 10_000;
                var r = jit.Run(t.mem);
                Assert.True(r.Success || r.Error!.Pc >= 0 && r.Error.Pc <= program.Length);
                Interlocked.Increment(ref compiled);
            }
        }, iter: 20_000);
        Assert.True(compiled > 400, $"only {compiled} random programs compiled");
    }

    [Fact]
    public void Dispose_unmaps_the_code()
    {
        // A program with an odd code size, so its mapping's exact extent names it even while
        // other tests map and unmap code in parallel (constant folding off, or the adds fold into one mov).
        var program = Enumerable.Repeat(new Instruction(Opcodes.ClassAlu64 | Opcodes.Add, 0, 0, 0, 3), 9_001)
            .Append(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0)).ToArray();
        var jit = BpfJit.Compile(program, options: new JitOptions { FoldConstants = false });
        long pages = (jit.CodeSize + Environment.SystemPageSize - 1) / Environment.SystemPageSize;
        string mapping = $"{jit.CodeAddress:x}-{jit.CodeAddress + (nint)(pages * Environment.SystemPageSize):x} r-xp ";
        Assert.Contains(File.ReadLines("/proc/self/maps"), l => l.StartsWith(mapping, StringComparison.Ordinal));
        Assert.Equal(27_003UL, jit.Run(null).ReturnValue);
        jit.Dispose();
        Assert.True(jit.IsDisposed);
        Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), l => l.StartsWith(mapping, StringComparison.Ordinal));
        Assert.Throws<ObjectDisposedException>(() => jit.Run(null));
        jit.Dispose();
    }

    [Fact]
    public void Code_is_never_writable_and_executable()
    {
        using var jit = Compile("r0 = 1\nexit");
        // The mapping that holds the code (the kernel may merge it with a neighbour of the same permissions).
        ulong address = (ulong)jit.CodeAddress;
        var line = File.ReadLines("/proc/self/maps").Single(l =>
        {
            var range = l.Split(' ')[0].Split('-');
            return Convert.ToUInt64(range[0], 16) <= address && address < Convert.ToUInt64(range[1], 16);
        });
        Assert.Equal("r-xp", line.Split(' ')[1]);
    }

    [Fact]
    public void The_factory_falls_back_to_the_interpreter_when_executable_memory_is_refused()
    {
        var program = Assembler.Assemble("r0 = 7\nexit");
        using var jit = ExecutionEngines.Create(program, null, EngineKind.Jit);
        Assert.Equal(EngineKind.Jit, jit.Kind);
        Assert.IsType<JitProgram>(jit.Engine);
        Assert.Null(jit.FallbackReason);

        using var denied = ExecutionEngines.Create(program, null, EngineKind.Jit, new JitOptions { DenyExecutableMemory = true });
        Assert.Equal(EngineKind.Interpreter, denied.Kind);
        Assert.Contains("mmap", denied.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(7UL, denied.Engine.Run(null).ReturnValue);

        using var interp = ExecutionEngines.Create(program, null, EngineKind.Interpreter);
        Assert.Equal(EngineKind.Interpreter, interp.Kind);
        interp.Engine.InstructionBudget = 5;
        Assert.Equal(7UL, interp.Engine.Run(null).ReturnValue);

        Assert.Throws<BpfFormatException>(() => ExecutionEngines.Create(Assembler.Assemble("r10 = 0\nexit"), null, EngineKind.Jit));
    }

    [Fact]
    public void Invalid_programs_are_rejected_with_the_interpreters_diagnostic()
    {
        var program = Assembler.Assemble("r0 = 0\ncall 1234\nexit");
        Assert.False(BpfJit.TryCompile(program, HelperRegistry.CreateConformance(), out var jit, out var d));
        Assert.Null(jit);
        Assert.Equal(1, d!.Location.Pc);
        Assert.False(BpfJit.TryCompile(Assembler.Assemble("r10 = 0\nexit"), null, out _, out var fp));
        Assert.Equal(0, fp!.Location.Pc);
    }

    [Fact]
    public void Verifier_proven_accesses_skip_their_checks()
    {
        const string asm = "r0 = *(u32 *)(r1 + 0)\nr2 = *(u32 *)(r1 + 4)\nr0 += r2\n*(u32 *)(r1 + 8) = r0\nexit";
        var program = Assembler.Assemble(asm);
        using var checkedJit = BpfJit.Compile(program);
        using var provenJit = BpfJit.Compile(program, null, new JitOptions { ProvenAccesses = [true, true, false, true, false] });
        Assert.True(provenJit.CodeSize < checkedJit.CodeSize);
        var a = new byte[12];
        var b = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(a, 5);
        BinaryPrimitives.WriteUInt32LittleEndian(a.AsSpan(4), 6);
        a.CopyTo(b, 0);
        Assert.Equal(checkedJit.Run(a), provenJit.Run(b));
        Assert.Equal(11u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8)));
    }

    [Fact]
    public void Division_magic_matches_division()
    {
        var rnd = new Random(7);
        var divisors = new List<ulong> { 3, 5, 6, 7, 9, 10, 11, 13, 25, 100, 641, 1000, 6700417, uint.MaxValue, (ulong)uint.MaxValue + 2, ulong.MaxValue, ulong.MaxValue - 2, 1UL << 63 | 1 };
        for (int i = 0; i < 200; i++)
            divisors.Add((ulong)rnd.NextInt64() >> rnd.Next(64) | 3);
        var samples = new List<ulong> { 0, 1, 2, uint.MaxValue, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63 };
        for (int i = 0; i < 300; i++)
            samples.Add((ulong)rnd.NextInt64() >> rnd.Next(64));
        foreach (var d in divisors)
        {
            if (System.Numerics.BitOperations.IsPow2(d))
                continue;
            var m64 = DivisionMagic.For64(d);
            foreach (var x in samples)
                Assert.True(m64.Divide(x) == x / d, $"{x} / {d}");
            if (d <= uint.MaxValue)
            {
                var m32 = DivisionMagic.For32((uint)d);
                foreach (var x in samples)
                    Assert.True(m32.Divide((uint)x) == (uint)x / (uint)d, $"{(uint)x} / {d} (32)");
            }
        }
    }

    [Fact]
    public void Division_by_every_small_constant_agrees_with_the_interpreter()
    {
        // div/mod by imm in both widths (and sdiv/smod), the dividend in rax, rdx or another register.
        var sb = new System.Text.StringBuilder();
        var rnd = new Random(3);
        var program = new List<Instruction>();
        for (int k = -40; k <= 1100; k += k is > 40 and < 1000 ? 37 : 1)
        {
            foreach (int dst in new[] { 0, 3, 6 })
            {
                long value = rnd.NextInt64() >> rnd.Next(63);
                program.Add(new Instruction(Opcodes.LoadImm64, dst, 0, 0, (int)value));
                program.Add(new Instruction(0, 0, 0, 0, (int)(value >> 32)));
                foreach (byte cls in new[] { Opcodes.ClassAlu64, Opcodes.ClassAlu })
                {
                    foreach (byte op in new[] { Opcodes.Div, Opcodes.Mod })
                    {
                        foreach (short signed in new short[] { 0, 1 })
                        {
                            program.Add(new Instruction((byte)(cls | op), dst, 0, signed, k));
                            program.Add(new Instruction(Opcodes.ClassAlu64 | Opcodes.Xor | Opcodes.SourceX, 9, dst, 0, 0));
                            program.Add(new Instruction(Opcodes.ClassAlu64 | Opcodes.Add, dst, 0, 0, 0x1234567));
                        }
                    }
                }
            }
        }
        program.Add(new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 0, 9, 0, 0));
        program.Add(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0));
        var arr = program.ToArray();
        Assert.NotNull(JitDifferential.AssertSame(arr, null, 10_000_000, new HelperRegistry()));
        Assert.NotNull(JitDifferential.AssertSame(arr, null, 10_000_000, new HelperRegistry(), new JitOptions { UseBmi2 = false }));
    }
}
