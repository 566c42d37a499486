using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Maps;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Programs assembled by SharpBpf, loaded and run by the kernel.</summary>
public sealed class ProgramTests
{
    // XDP actions (include/uapi/linux/bpf.h, enum xdp_action).
    private const uint XdpPass = 2;
    private const uint XdpTx = 3;

    private static byte[] Packet(int length = 64)
    {
        var p = new byte[length];
        for (int i = 0; i < p.Length; i++)
            p[i] = (byte)i;
        return p;
    }

    [Fact]
    public void Xdp_program_runs_and_returns_its_action()
    {
        Kernel.Require();
        using var program = KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble("r0 = 2\nexit\n"), "GPL", new ProgramLoadOptions { Name = "xdp_pass" });
        var result = program.TestRun(Packet());
        Assert.Equal(XdpPass, result.ReturnValue);
        Assert.Equal(Packet(), result.Data);
        Assert.Equal("xdp_pass", program.Name);
        Assert.Null(program.VerifierLog);
    }

    [Fact]
    public void Xdp_program_rewrites_the_packet()
    {
        Kernel.Require();
        const string source = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 1
            if r4 > r3 goto out
            *(u8 *)(r2 + 0) = 0x42
            out:
            r0 = 3
            exit
            """;
        using var program = KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble(source), "GPL");
        var result = program.TestRun(new ProgramTestRunOptions { Data = Packet(), Repeat = 10 });
        Assert.Equal(XdpTx, result.ReturnValue);
        Assert.Equal(0x42, result.Data[0]);
        Assert.Equal(Packet()[1..], result.Data[1..]);
    }

    [Fact]
    public void Socket_filter_returns_the_length_to_keep()
    {
        Kernel.Require();
        using var program = KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble("r0 = 10\nexit\n"), "GPL");
        Assert.Equal(10u, program.TestRun(Packet()).ReturnValue);
        Assert.Equal(ProgramType.SocketFilter, program.Type);
    }

    [Fact]
    public void Program_counts_in_a_map_it_references()
    {
        Kernel.Require();
        using var counts = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 8, 1, "counts"));
        string source = $"""
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            ld_pseudo r1, 1, {counts.Fd.Value}
            call 1
            if r0 == 0 goto out
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            out:
            r0 = 2
            exit
            """;
        using var program = KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "counter" });
        var result = program.TestRun(new ProgramTestRunOptions { Data = Packet(), Repeat = 5 });
        Assert.Equal(XdpPass, result.ReturnValue);
        Assert.Equal(5UL, new BpfMap<uint, ulong>(counts).Lookup(0));

        var info = program.GetInfo();
        Assert.Equal([counts.Id], info.MapIds);
        Assert.Equal("counter", info.Name);
        Assert.Equal(ProgramType.Xdp, info.Type);
        Assert.Equal(program.Id, info.Id);
        Assert.True(info.GplCompatible);
        Assert.Matches("^[0-9a-f]{16}$", info.Tag);
        Assert.Contains(program.Id, KernelObjectIds.Programs());
    }

    [Fact]
    public void Xlated_instructions_and_jited_image_come_back()
    {
        Kernel.Require();
        var code = Assembler.Assemble("r0 = 2\nexit\n");
        using var program = KernelProgram.Load(ProgramType.Xdp, code, "GPL");
        Assert.Equal(code, program.GetXlatedInstructions());
        var info = program.GetInfo();
        Assert.Equal(16, info.XlatedLength);
        bool jit = File.Exists("/proc/sys/net/core/bpf_jit_enable") && File.ReadAllText("/proc/sys/net/core/bpf_jit_enable").Trim() != "0";
        Assert.Equal(jit, program.GetJitedImage().Length > 0);
        Assert.Equal(info.JitedLength, program.GetJitedImage().Length);
    }

    [Fact]
    public void Rejected_program_carries_the_log_and_the_failing_instruction()
    {
        Kernel.Require();
        var code = Assembler.Assemble("r1 = 1\nr2 = 2\nexit\n");
        var e = Assert.Throws<BpfVerifierException>(() =>
            KernelProgram.Load(ProgramType.Xdp, code, "GPL", new ProgramLoadOptions { Name = "bad" }));
        Assert.Equal(2, e.InstructionIndex);
        Assert.Equal("R0 !read_ok", e.Reason);
        Assert.Equal(Errno.EACCES, e.Errno);
        Assert.Contains("2: (95) exit", e.Log, StringComparison.Ordinal);
        Assert.Equal("load program 'bad': the verifier rejected the program at insn 2: R0 !read_ok (EACCES)", e.Message);
    }

    [Fact]
    public void Verbose_log_is_kept_when_asked_and_grows_past_a_small_buffer()
    {
        Kernel.Require();
        // 200 instructions at log level 2 write far more than the 256-byte first buffer.
        var source = string.Concat(Enumerable.Repeat("r0 += 1\n", 200)) + "exit\n";
        using var program = KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble("r0 = 0\n" + source), "GPL",
            new ProgramLoadOptions { LogLevel = VerifierLogLevel.Verbose | VerifierLogLevel.Stats, LogSize = 256 });
        Assert.NotNull(program.VerifierLog);
        Assert.True(program.VerifierLog!.Length > 256, "the log should have grown");
        Assert.Contains("processed 202 insns", program.VerifierLog, StringComparison.Ordinal);
        Assert.Contains("200: (07) r0 += 1", program.VerifierLog, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_types_without_test_run_say_so()
    {
        Kernel.Require();
        using var program = KernelProgram.Load(ProgramType.Kprobe, Assembler.Assemble("r0 = 0\nexit\n"), "GPL");
        var e = Assert.Throws<BpfNotSupportedException>(() => program.TestRun(Packet()));
        Assert.Equal(Errno.ENOTSUPP, e.Errno);
        Assert.Equal("BPF_PROG_TEST_RUN", e.Feature);
        Assert.Equal(["test run of kprobe program"], e.Context);
    }

    [Fact]
    public void Programs_pin_and_reopen_by_id_and_path()
    {
        Kernel.RequireBpfFs();
        string path = Kernel.PinPath("prog");
        try
        {
            using var program = KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble("r0 = 1\nexit\n"), "GPL", new ProgramLoadOptions { Name = "pinme" });
            program.Pin(path);
            using (var byPath = KernelProgram.OpenPinned(path))
            {
                Assert.Equal(program.Id, byPath.Id);
                Assert.Equal("pinme", byPath.Name);
                Assert.Equal(ProgramType.Xdp, byPath.Type);
                Assert.Equal(1u, byPath.TestRun(Packet()).ReturnValue);
            }
            using (var byId = KernelProgram.FromId(program.Id))
                Assert.Equal(1u, byId.TestRun(Packet()).ReturnValue);
            program.Unpin();
            Assert.False(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void License_decides_gpl_compatibility()
    {
        Kernel.Require();
        using var program = KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble("r0 = 0\nexit\n"), "Proprietary");
        Assert.False(program.GetInfo().GplCompatible);
    }
}
