using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using SharpBpf.Runtime.Interpreter;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The instruction semantics of RFC 9669 and the Linux additions, in our own words: every family
/// the conformance suite covers, written in the LLVM syntax (so the assembler is exercised too).
/// </summary>
public sealed class InterpreterSemanticsTests
{
    internal static ExecutionResult Run(string asm, byte[]? memory = null, AsmSyntax syntax = AsmSyntax.Llvm, long budget = 1_000_000)
    {
        var program = Assembler.Assemble(asm, syntax);
        var vm = BpfInterpreter.Create(program, HelperRegistry.CreateConformance());
        vm.InstructionBudget = budget;
        return vm.Run(memory);
    }

    private static ulong R0(string asm, byte[]? memory = null)
    {
        var r = Run(asm, memory);
        Assert.True(r.Success, r.Error?.ToString());
        return r.ReturnValue;
    }

    [Theory]
    // 64-bit arithmetic, immediates sign-extended.
    [InlineData("r0 = 5\nr0 += -7\nexit", 0xfffffffffffffffeUL)]
    [InlineData("r0 = 5\nr0 -= 7\nexit", 0xfffffffffffffffeUL)]
    [InlineData("r0 = -3\nr0 *= 5\nexit", 0xfffffffffffffff1UL)]
    [InlineData("r0 = -1\nr0 /= 2\nexit", 0x7fffffffffffffffUL)]
    [InlineData("r0 = -1\nr0 %= 10\nexit", 5UL)]
    [InlineData("r0 = 0x0f0\nr0 |= 0x00f\nexit", 0xffUL)]
    [InlineData("r0 = 0xff\nr0 &= -16\nexit", 0xf0UL)]
    [InlineData("r0 = 0xff\nr0 ^= 0x0f\nexit", 0xf0UL)]
    [InlineData("r0 = 1\nr0 <<= 63\nexit", 0x8000000000000000UL)]
    [InlineData("r0 = -1\nr0 >>= 60\nexit", 0xfUL)]
    [InlineData("r0 = -16\nr0 s>>= 2\nexit", 0xfffffffffffffffcUL)]
    [InlineData("r0 = 7\nr0 = -r0\nexit", 0xfffffffffffffff9UL)]
    // Division and modulo by zero (RFC 9669, 4.1): x/0 = 0, x%0 = x.
    [InlineData("r0 = 9\nr1 = 0\nr0 /= r1\nexit", 0UL)]
    [InlineData("r0 = 9\nr1 = 0\nr0 %= r1\nexit", 9UL)]
    [InlineData("r0 = -9\nr0 s/= 0\nexit", 0UL)]
    [InlineData("r0 = -9\nr0 s%= 0\nexit", 0xfffffffffffffff7UL)]
    // Signed division truncates toward zero; the remainder takes the dividend's sign.
    [InlineData("r0 = -7\nr0 s/= 2\nexit", 0xfffffffffffffffdUL)]
    [InlineData("r0 = -7\nr0 s%= 2\nexit", 0xffffffffffffffffUL)]
    [InlineData("r0 = 7\nr0 s%= -2\nexit", 1UL)]
    // INT64_MIN / -1 = INT64_MIN, INT64_MIN % -1 = 0.
    [InlineData("r0 = -9223372036854775808 ll\nr0 s/= -1\nexit", 0x8000000000000000UL)]
    [InlineData("r0 = -9223372036854775808 ll\nr0 s%= -1\nexit", 0UL)]
    // Shift counts are masked to the operand width.
    [InlineData("r0 = 1\nr1 = 65\nr0 <<= r1\nexit", 2UL)]
    [InlineData("w0 = 1\nw1 = 33\nw0 <<= w1\nexit", 2UL)]
    [InlineData("r0 = 1\nr0 <<= -1\nexit", 0x8000000000000000UL)]
    // 32-bit results are zero-extended; 32-bit immediates are not sign-extended into the high half.
    [InlineData("r0 = -1\nw0 += 1\nexit", 0UL)]
    [InlineData("r0 = -1\nw0 = w0\nexit", 0xffffffffUL)]
    [InlineData("w0 = -1\nexit", 0xffffffffUL)]
    [InlineData("r0 = 0\nw0 -= 1\nexit", 0xffffffffUL)]
    [InlineData("w0 = -16\nw0 s>>= 2\nexit", 0xfffffffcUL)]
    [InlineData("w0 = 5\nw0 = -w0\nexit", 0xfffffffbUL)]
    [InlineData("w0 = -2147483648\nw0 = -w0\nexit", 0x80000000UL)]
    [InlineData("r0 = -1\nw1 = 0\nw0 /= w1\nexit", 0UL)]
    [InlineData("r0 = -1\nw1 = 0\nw0 %= w1\nexit", 0xffffffffUL)]
    [InlineData("w0 = -2147483648\nw0 s/= -1\nexit", 0x80000000UL)]
    [InlineData("w0 = -2147483648\nw0 s%= -1\nexit", 0UL)]
    [InlineData("w0 = -7\nw0 s%= 2\nexit", 0xffffffffUL)]
    [InlineData("r0 = 0x100000002 ll\nw0 *= 3\nexit", 6UL)]
    // movsx.
    [InlineData("r1 = 0x80\nr0 = (s8)r1\nexit", 0xffffffffffffff80UL)]
    [InlineData("r1 = 0x8000\nr0 = (s16)r1\nexit", 0xffffffffffff8000UL)]
    [InlineData("r1 = 0x80000000 ll\nr0 = (s32)r1\nexit", 0xffffffff80000000UL)]
    [InlineData("w1 = 0x80\nw0 = (s8)w1\nexit", 0xffffff80UL)]
    [InlineData("w1 = 0x8000\nw0 = (s16)w1\nexit", 0xffff8000UL)]
    // Byte order.
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = be16 r0\nexit", 0x8877UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = be32 r0\nexit", 0x88776655UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = be64 r0\nexit", 0x8877665544332211UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = le16 r0\nexit", 0x7788UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = le32 r0\nexit", 0x55667788UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = le64 r0\nexit", 0x1122334455667788UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = bswap16 r0\nexit", 0x8877UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = bswap32 r0\nexit", 0x88776655UL)]
    [InlineData("r0 = 0x1122334455667788 ll\nr0 = bswap64 r0\nexit", 0x8877665544332211UL)]
    // lddw keeps all 64 bits; mov of an immediate sign-extends.
    [InlineData("r0 = 0x1122334455667788 ll\nexit", 0x1122334455667788UL)]
    [InlineData("r0 = -2\nexit", 0xfffffffffffffffeUL)]
    [InlineData("r1 = 0x8000000000000000 ll\nr0 = r1\nr0 >>= 63\nexit", 1UL)]
    public void Alu(string asm, ulong expected) => Assert.Equal(expected, R0(asm));

    [Theory]
    // Every condition, 64-bit and 32-bit, register and immediate, signed and unsigned.
    [InlineData("==", 5, 5, true)]
    [InlineData("==", 5, 6, false)]
    [InlineData("!=", 5, 6, true)]
    [InlineData(">", -1, 1, true)]
    [InlineData("s>", -1, 1, false)]
    [InlineData(">=", 1, 1, true)]
    [InlineData("s>=", -2, -1, false)]
    [InlineData("<", 1, -1, true)]
    [InlineData("s<", 1, -1, false)]
    [InlineData("<=", 2, 2, true)]
    [InlineData("s<=", -3, -2, true)]
    [InlineData("&", 6, 2, true)]
    [InlineData("&", 6, 1, false)]
    public void Conditional_jumps(string op, int a, int b, bool taken)
    {
        ulong want = taken ? 1UL : 2UL;
        string body(string reg, string rhs) => $"{reg}1 = {a}\n{reg}2 = {b}\nif {reg}1 {op} {rhs} goto +2\nr0 = 2\nexit\nr0 = 1\nexit";
        Assert.Equal(want, R0(body("r", "r2")));
        Assert.Equal(want, R0(body("r", b.ToString())));
        Assert.Equal(want, R0(body("w", "w2")));
        Assert.Equal(want, R0(body("w", b.ToString())));
    }

    [Fact]
    public void Jmp32_compares_only_the_low_halves()
    {
        // 64-bit registers differ in the high half; JMP32 sees them equal.
        Assert.Equal(1UL, R0("r1 = 0x100000005 ll\nr2 = 5\nif w1 == w2 goto +2\nr0 = 2\nexit\nr0 = 1\nexit"));
        Assert.Equal(2UL, R0("r1 = 0x100000005 ll\nr2 = 5\nif r1 == r2 goto +2\nr0 = 2\nexit\nr0 = 1\nexit"));
    }

    [Fact]
    public void Goto_gotol_and_labels()
    {
        Assert.Equal(3UL, R0("r0 = 1\ngoto l1\nr0 = 2\nl1:\nr0 += 2\nexit"));
        Assert.Equal(3UL, R0("r0 = 1\ngotol +1\nr0 = 2\nr0 += 2\nexit"));
        Assert.Equal(10UL, R0("r0 = 0\nr1 = 0\nloop:\nr0 += 2\nr1 += 1\nif r1 < 5 goto loop\nexit"));
    }

    [Fact]
    public void May_goto_falls_through_until_the_allowance_is_spent_then_jumps()
    {
        // An endless loop guarded by may_goto ends after BPF_MAX_LOOPS iterations.
        var r = Run("r0 = 0\nloop:\nmay_goto +2\nr0 += 1\ngoto loop\nexit", budget: 100_000_000);
        Assert.True(r.Success, r.Error?.ToString());
        Assert.Equal((ulong)BpfInterpreter.MayGotoBudget, r.ReturnValue);
    }

    [Fact]
    public void Local_call_passes_r1_to_r5_returns_r0_and_preserves_r6_to_r9()
    {
        const string asm = """
            r1 = 1
            r2 = 2
            r6 = 6
            r9 = 9
            call add
            r0 += r6
            r0 += r9
            exit
            add:
            r0 = r1
            r0 += r2
            r6 = 100
            r9 = 100
            *(u64 *)(r10 - 8) = r0
            r0 = *(u64 *)(r10 - 8)
            exit
            """;
        Assert.Equal(18UL, R0(asm));
    }

    [Fact]
    public void Callee_has_its_own_stack_frame()
    {
        const string asm = """
            r1 = 7
            *(u64 *)(r10 - 8) = r1
            call f
            r0 = *(u64 *)(r10 - 8)
            exit
            f:
            r1 = 99
            *(u64 *)(r10 - 8) = r1
            exit
            """;
        Assert.Equal(7UL, R0(asm));
    }

    [Fact]
    public void Call_depth_is_limited_to_eight_frames()
    {
        // Unbounded recursion stops at the 9th frame.
        var r = Run("call f\nexit\nf:\ncall f\nexit");
        Assert.False(r.Success);
        Assert.Equal(RuntimeErrorKind.CallDepthExceeded, r.Error!.Kind);
        // Seven nested calls (eight frames) are fine.
        var sb = new System.Text.StringBuilder("r0 = 0\ncall f1\nexit\n");
        for (int i = 1; i <= 7; i++)
            sb.Append($"f{i}:\nr0 += 1\n{(i < 7 ? $"call f{i + 1}\n" : "")}exit\n");
        Assert.Equal(7UL, R0(sb.ToString()));
    }

    [Fact]
    public void Helper_and_callx()
    {
        Assert.Equal(42UL, R0("r1 = 42\ncall 5\nexit"));
        Assert.Equal(43UL, R0("r1 = 43\nr2 = 5\ncallx r2\nexit"));
        var r = Run("r2 = 77\ncallx r2\nexit");
        Assert.Equal(RuntimeErrorKind.UnknownHelper, r.Error!.Kind);
        Assert.Equal(1, r.Error.Pc);
    }

    [Fact]
    public void Unknown_helper_is_rejected_at_load_with_its_pc()
    {
        var program = Assembler.Assemble("r0 = 0\ncall 1234\nexit");
        Assert.False(BpfInterpreter.TryCreate(program, HelperRegistry.CreateConformance(), out _, out var d));
        Assert.Equal(1, d!.Location.Pc);
        Assert.Contains("1234", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_and_stores_of_every_size()
    {
        var mem = new byte[] { 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88 };
        Assert.Equal(0x81UL, R0("r0 = *(u8 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0x8281UL, R0("r0 = *(u16 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0x84838281UL, R0("r0 = *(u32 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0x8887868584838281UL, R0("r0 = *(u64 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0xffffffffffffff81UL, R0("r0 = *(s8 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0xffffffffffff8281UL, R0("r0 = *(s16 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0xffffffff84838281UL, R0("r0 = *(s32 *)(r1 + 0)\nexit", mem));
        Assert.Equal(0xffffffffffffff9cUL, R0("*(u64 *)(r10 - 8) = -100\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(0x9cUL, R0("*(u64 *)(r10 - 8) = 0\n*(u8 *)(r10 - 8) = -100\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(0xbeefUL, R0("r2 = 0xbeef\n*(u16 *)(r10 - 2) = r2\nr0 = *(u16 *)(r10 - 2)\nexit"));
        // Stores change the caller's memory.
        var buf = new byte[4];
        R0("*(u32 *)(r1 + 0) = 0x01020304\nr0 = 0\nexit", buf);
        Assert.Equal(new byte[] { 4, 3, 2, 1 }, buf);
        Assert.Equal(8UL, R0("r0 = r2\nexit", new byte[8]));
    }

    [Theory]
    [InlineData("r0 = *(u64 *)(r1 + 1)\nexit", 0, 8, false)]
    [InlineData("r0 = *(u8 *)(r1 - 1)\nexit", 0, 1, false)]
    [InlineData("r0 = *(u8 *)(r10 + 0)\nexit", 0, 1, false)]
    [InlineData("r0 = *(u64 *)(r10 - 4104)\nexit", 0, 8, false)]
    [InlineData("r2 = 0\nr0 = *(u32 *)(r2 + 0)\nexit", 1, 4, false)]
    [InlineData("r2 = 0x7fff00001000 ll\n*(u32 *)(r2 + 0) = 1\nexit", 2, 4, true)]
    [InlineData("*(u64 *)(r1 + 4) = 1\nexit", 0, 8, true)]
    public void Out_of_bounds_access_stops_with_pc_address_and_size(string asm, int pc, int size, bool write)
    {
        var r = Run(asm, new byte[8]);
        Assert.False(r.Success);
        var e = r.Error!;
        Assert.Equal(RuntimeErrorKind.OutOfBounds, e.Kind);
        Assert.Equal(pc, e.Pc);
        Assert.Equal(size, e.Size);
        Assert.Contains(write ? "store" : "load", e.Message, StringComparison.Ordinal);
        Assert.Contains($"0x{e.Address:x}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_only_regions_reject_stores()
    {
        var map = new MemoryMap();
        var ro = map.Add(new byte[16], MemoryRegionKind.Data, writable: false);
        var vm = BpfInterpreter.Create(Assembler.Assemble("r0 = *(u64 *)(r1 + 8)\n*(u64 *)(r1 + 0) = 1\nexit"));
        var r = vm.Run(map, ro, 16);
        Assert.Equal(RuntimeErrorKind.OutOfBounds, r.Error!.Kind);
        Assert.Equal(1, r.Error.Pc);
    }

    [Fact]
    public void Atomics()
    {
        const string prologue = "r1 = 10\n*(u64 *)(r10 - 8) = r1\n";
        Assert.Equal(13UL, R0(prologue + "r2 = 3\nlock *(u64 *)(r10 - 8) += r2\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(10UL, R0(prologue + "r2 = 3\nr2 = atomic_fetch_add((u64 *)(r10 - 8), r2)\nr0 = r2\nexit"));
        Assert.Equal(14UL, R0(prologue + "r2 = 4\nlock *(u64 *)(r10 - 8) |= r2\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(2UL, R0(prologue + "r2 = 6\nlock *(u64 *)(r10 - 8) &= r2\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(9UL, R0(prologue + "r2 = 3\nlock *(u64 *)(r10 - 8) ^= r2\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(10UL, R0(prologue + "r2 = 3\nr2 = atomic_fetch_xor((u64 *)(r10 - 8), r2)\nr0 = r2\nexit"));
        Assert.Equal(10UL, R0(prologue + "r2 = 99\nr2 = xchg_64(r10 - 8, r2)\nr0 = r2\nexit"));
        // cmpxchg: equal -> stores and returns the old value in r0.
        Assert.Equal(77UL, R0(prologue + "r0 = 10\nr2 = 77\nr0 = cmpxchg_64(r10 - 8, r0, r2)\nr0 = *(u64 *)(r10 - 8)\nexit"));
        Assert.Equal(10UL, R0(prologue + "r0 = 11\nr2 = 77\nr0 = cmpxchg_64(r10 - 8, r0, r2)\nr0 = *(u64 *)(r10 - 8)\nexit"));
        // 32-bit forms touch 4 bytes and zero-extend fetched values.
        Assert.Equal(0xffffffffUL, R0("r1 = -1\n*(u64 *)(r10 - 8) = r1\nw2 = 0\nw2 = atomic_fetch_or((u32 *)(r10 - 8), w2)\nr0 = r2\nexit"));
        Assert.Equal(0xffffffff00000001UL, R0("r1 = -1\n*(u64 *)(r10 - 8) = r1\nw2 = 1\nw2 = xchg32_32(r10 - 8, w2)\nr0 = *(u64 *)(r10 - 8)\nexit"));
        // Misaligned atomics fault.
        Assert.Equal(RuntimeErrorKind.MisalignedAtomic, Run("r2 = 1\nlock *(u64 *)(r10 - 12) += r2\nexit").Error!.Kind);
    }

    [Fact]
    public void Load_acquire_and_store_release()
    {
        Assert.Equal(0x1234UL, R0("r2 = 0x1234\nstore_release((u16 *)(r10 - 2), w2)\nw0 = load_acquire((u16 *)(r10 - 2))\nexit"));
        Assert.Equal(0xffffffffffffffffUL, R0("r2 = -1\nstore_release((u64 *)(r10 - 8), r2)\nr0 = load_acquire((u64 *)(r10 - 8))\nexit"));
    }

    [Fact]
    public void Legacy_packet_loads_are_big_endian_and_end_the_program_when_out_of_bounds()
    {
        var pkt = new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 };
        Assert.Equal(0x02030405UL, R0("r0 = *(u32 *)skb[2]\nexit", pkt));
        Assert.Equal(0x0405UL, R0("r6 = 2\nr0 = *(u16 *)skb[r6 + 2]\nexit", pkt));
        Assert.Equal(7UL, R0("r0 = *(u8 *)skb[7]\nexit", pkt));
        // Out of the packet: the program returns 0 at once (Linux's LD_ABS semantics).
        Assert.Equal(0UL, R0("r0 = *(u32 *)skb[6]\nr0 = 5\nexit", pkt));
        Assert.Equal(0UL, R0("r6 = -1\nr0 = *(u8 *)skb[r6]\nr0 = 5\nexit", pkt));
    }

    [Fact]
    public void Budget_stops_an_endless_loop()
    {
        var r = Run("r0 = 0\nl:\nr0 += 1\ngoto l", budget: 1000);
        Assert.Equal(RuntimeErrorKind.BudgetExceeded, r.Error!.Kind);
        Assert.InRange(r.Instructions, 1000, 1100);
    }

    [Fact]
    public void Instruction_count_counts_lddw_once()
    {
        var r = Run("r0 = 0\nr1 = 3\nl:\nr2 = 0x100000000 ll\nr0 += 1\nif r0 < r1 goto l\nexit");
        Assert.Equal(2 + 3 * 3 + 1, r.Instructions);
    }

    [Fact]
    public void Running_off_the_end_is_a_fault()
    {
        var r = Run("r0 = 1\nif r0 == 1 goto +1\nexit\nr0 = 2");
        Assert.Equal(RuntimeErrorKind.FellOffEnd, r.Error!.Kind);
        Assert.Equal(4, r.Error.Pc);
    }

    [Fact]
    public void Writing_r10_is_rejected_at_load()
    {
        var program = Assembler.Assemble("r10 = 0\nexit");
        Assert.False(BpfInterpreter.TryCreate(program, null, out _, out var d));
        Assert.Equal(0, d!.Location.Pc);
    }

    [Fact]
    public void Stack_is_512_bytes_per_frame_below_r10()
    {
        Assert.Equal(5UL, R0("r1 = 5\n*(u64 *)(r10 - 512) = r1\nr0 = *(u64 *)(r10 - 512)\nexit"));
        // The entry frame sits at the top of an 8-frame stack; nothing above r10.
        Assert.False(Run("r0 = *(u8 *)(r10 + 0)\nexit").Success);
    }
}
