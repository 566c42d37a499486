using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using SharpBpf.Verifier.Passes;
using SharpBpf.Verifier.Programs;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>The passes before the fixpoint: CFG, liveness, assertions.</summary>
public sealed class PassTests
{
    private static Instruction[] Asm(string text) => Assembler.Assemble(text, AsmSyntax.Llvm);

    private static ControlFlowGraph Cfg(string text) =>
        ControlFlowGraph.Build(Asm(text), out var error) ?? throw new InvalidOperationException(error.ToString());

    [Fact]
    public void Cfg_finds_functions_leaders_and_loops()
    {
        var cfg = Cfg("""
            r0 = 0
            r1 = 0
            loop:
            r0 += r1
            r1 += 1
            if r1 < 10 goto loop
            call pc+1
            exit
            r0 = 1
            exit
            """);
        Assert.Equal([0, 7], cfg.Subprograms.Select(s => s.Start));
        Assert.Equal([1], cfg.Subprograms[0].Callees);
        var loop = Assert.Single(cfg.Loops);
        Assert.Equal(2, loop.Header);
        Assert.Equal([4], loop.Latches);
        Assert.Equal([2, 3, 4], loop.Body.Order());
        Assert.True(cfg.IsLoopHead[2]);
        Assert.True(cfg.IsLeader[2] && cfg.IsLeader[5] && cfg.IsLeader[6] && cfg.IsLeader[7]);
        Assert.False(cfg.IsLeader[3]);
        Assert.True(cfg.InLoop[3] && !cfg.InLoop[5]);
    }

    [Fact]
    public void Cfg_numbers_instructions_in_reverse_post_order()
    {
        var cfg = Cfg("r0 = 0\nif r0 == 0 goto +1\nr0 = 1\nexit");
        Assert.True(cfg.Order[0] < cfg.Order[1] && cfg.Order[1] < cfg.Order[2] && cfg.Order[2] < cfg.Order[3]);
    }

    [Theory]
    [InlineData("r0 = 0\nexit\nr0 = 1\nexit", VerifierDiagnosticIds.Unreachable, 2)]
    [InlineData("r0 = 0\nif r0 == 0 goto +1\nexit\nr0 = 1", VerifierDiagnosticIds.FallsOffEnd, 3)]
    [InlineData("call pc+2\nr0 = 0\nexit\nr0 = 1\ngoto -4\nexit", VerifierDiagnosticIds.JumpOutOfRange, 4)]
    [InlineData("call pc+1\nexit\nr0 = 0\ncall pc-2\nexit", VerifierDiagnosticIds.Recursion, 2)]
    [InlineData("r2 = 5\ncallx r2\nexit", VerifierDiagnosticIds.UnsupportedInstruction, 1)]
    public void Cfg_rejects_what_check_cfg_rejects(string text, string id, int pc)
    {
        Assert.Null(ControlFlowGraph.Build(Asm(text), out var error));
        Assert.Equal(id, error!.Value.Id);
        Assert.Equal(pc, error.Value.Pc);
    }

    [Fact]
    public void Liveness_follows_reads_across_branches_and_calls()
    {
        var cfg = Cfg("""
            r6 = r1
            r2 = 1
            if r2 == 0 goto +1
            r0 = r6
            call pc+1
            exit
            r0 = r1
            exit
            """);
        var live = Liveness.Compute(cfg);
        Assert.Equal(1 << 1, live.LiveIn[0]);                  // r1
        Assert.Equal(1 << 1 | 1 << 6, live.LiveIn[1]);         // r6, and r1 which the callee reads
        Assert.Equal(1 << 1 | 1 << 2 | 1 << 6, live.LiveIn[2]);
        // The callee reads r1: it is live before the call; r6 survives the call, r0 is its result.
        Assert.Equal(1 << 1, live.LiveIn[6]);
        Assert.Equal(1 << 0, live.LiveIn[5]);
    }

    [Fact]
    public void Assertions_say_what_each_instruction_needs()
    {
        var program = Asm("""
            r2 = *(u32 *)(r1 + 4)
            *(u64 *)(r10 - 8) = r2
            r0 <<= 70
            call 1
            exit
            """);
        var cfg = ControlFlowGraph.Build(program, out _)!;
        var statics = new List<StaticViolation>();
        var context = ProgramContext.For(ProgramType.Xdp, null, out _)!;
        var table = AssertionPass.Build(cfg, context, [], statics);
        Assert.Equal(["initialized r1", "access r1+4 size 4 read"], table[0].Select(a => a.ToString()));
        Assert.Equal(["initialized r10", "initialized r2", "access r10-8 size 8 write r2"], table[1].Select(a => a.ToString()));
        Assert.Equal(["helper 1"], table[3].Select(a => a.ToString()));
        Assert.Equal(["initialized r0", "return"], table[4].Select(a => a.ToString()));
        var shift = Assert.Single(statics);
        Assert.Equal((2, VerifierDiagnosticIds.InvalidShift), (shift.Pc, shift.Id));
    }

    [Fact]
    public void Helper_groups_follow_the_program_type()
    {
        Assert.True((HelperPrototypes.Find(HelperIds.IdOf("xdp_adjust_head"))!.Groups & HelperPrototypes.GroupsFor(ProgramType.Xdp)) != 0);
        Assert.True((HelperPrototypes.Find(HelperIds.IdOf("xdp_adjust_head"))!.Groups & HelperPrototypes.GroupsFor(ProgramType.Kprobe)) == 0);
        Assert.True((HelperPrototypes.Find(HelperIds.IdOf("skb_load_bytes"))!.Groups & HelperPrototypes.GroupsFor(ProgramType.SocketFilter)) != 0);
        Assert.True((HelperPrototypes.Find(HelperIds.IdOf("probe_read"))!.Groups & HelperPrototypes.GroupsFor(ProgramType.Xdp)) == 0);
        // Every helper the task lists is known.
        foreach (var name in new[] { "map_lookup_elem", "map_update_elem", "map_delete_elem", "ktime_get_ns", "get_prandom_u32",
                     "get_smp_processor_id", "trace_printk", "ringbuf_output", "ringbuf_reserve", "ringbuf_submit", "ringbuf_discard",
                     "perf_event_output", "tail_call", "probe_read_kernel", "probe_read_user", "probe_read_kernel_str", "probe_read_user_str",
                     "get_current_pid_tgid", "get_current_comm", "loop", "redirect", "csum_diff", "skb_load_bytes", "xdp_adjust_head", "xdp_adjust_tail" })
            Assert.NotNull(HelperPrototypes.Find(HelperIds.IdOf(name)));
    }

    [Theory]
    [InlineData(ProgramType.Xdp, 4, 4, false, true, "data_end")]
    [InlineData(ProgramType.Xdp, 4, 4, true, false, "data_end")]
    [InlineData(ProgramType.SchedCls, 8, 4, true, true, "mark")]
    [InlineData(ProgramType.SocketFilter, 8, 4, true, false, "mark")]
    [InlineData(ProgramType.SocketFilter, 48, 4, true, true, "cb[0]")]
    [InlineData(ProgramType.SchedCls, 77, 1, false, false, "data")]
    [InlineData(ProgramType.Tracepoint, 16, 8, false, true, "+16")]
    [InlineData(ProgramType.RawTracepoint, 8, 8, false, true, "args[1]")]
    [InlineData(ProgramType.RawTracepoint, 96, 8, false, false, "+96")]
    [InlineData(ProgramType.PerfEvent, 168, 4, false, true, "+168")]
    [InlineData(ProgramType.PerfEvent, 8, 4, false, false, "+8")]
    public void Context_layouts_allow_what_the_kernel_allows(ProgramType type, int off, int size, bool write, bool allowed, string field)
    {
        var ctx = ProgramContext.For(type, null, out _)!;
        var a = ctx.Check(off, size, write);
        Assert.Equal(allowed, a.Allowed);
        Assert.Equal(field, a.Field);
    }

    [Fact]
    public void Program_types_without_a_model_are_named()
    {
        Assert.Null(ProgramContext.For(ProgramType.Tracing, null, out var why));
        Assert.Contains("kernel's BTF", why, StringComparison.Ordinal);
        Assert.Null(ProgramContext.For(ProgramType.SkMsg, null, out why));
        Assert.Contains("sk_msg", why, StringComparison.Ordinal);
    }
}
