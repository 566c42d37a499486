using Xunit;

namespace SharpBpf.Cli.Tests;

public sealed class CliTests
{
    private const string Sum = """
        # r0 = sum of the first r1 bytes... of a constant loop
        r0 = 0
        r1 = 0
        loop:
        r0 += r1
        r1 += 1
        if r1 < 5 goto loop
        exit
        """;

    [Fact]
    public void Asm_prints_hex_words_and_run_prints_r0()
    {
        using var dir = new TempDir();
        var src = dir.File("sum.s", Sum);
        var (exit, output, err) = CliRunner.Run("asm", src);
        Assert.Equal(0, exit);
        Assert.Equal("""
            0x00000000000000b7
            0x00000000000001b7
            0x000000000000100f
            0x0000000100000107
            0x00000005fffd01a5
            0x0000000000000095

            """.ReplaceLineEndings("\n"), output);
        Assert.Empty(err);
        var hex = dir.File("sum.hex", output);
        Assert.Equal("r0 = 0xa\n", CliRunner.Run("run", hex).Out);
        Assert.Equal("r0 = 0xa\n", CliRunner.Run("run", src).Out);
    }

    [Fact]
    public void Asm_writes_raw_bytes_with_o_and_disasm_reads_them_back()
    {
        using var dir = new TempDir();
        var src = dir.File("sum.s", Sum);
        var bin = Path.Combine(dir.Path, "sum.bin");
        Assert.Equal(0, CliRunner.Run("asm", src, "-o", bin).Exit);
        Assert.Equal(48, new FileInfo(bin).Length);
        var (exit, text, _) = CliRunner.Run("disasm", bin);
        Assert.Equal(0, exit);
        Assert.Equal("""
                   0:	b7 00 00 00 00 00 00 00	r0 = 0
                   1:	b7 01 00 00 00 00 00 00	r1 = 0
                   2:	0f 10 00 00 00 00 00 00	r0 += r1
                   3:	07 01 00 00 01 00 00 00	r1 += 1
                   4:	a5 01 fd ff 05 00 00 00	if r1 < 5 goto -3
                   5:	95 00 00 00 00 00 00 00	exit

            """.ReplaceLineEndings("\n"), text);
        // The listing assembles back to the same bytes.
        var listing = dir.File("sum.lst", text);
        Assert.Equal(CliRunner.Run("asm", src).Out, CliRunner.Run("asm", listing).Out);
    }

    [Fact]
    public void Disasm_shows_labels_from_assembly_and_other_syntaxes()
    {
        using var dir = new TempDir();
        var src = dir.File("sum.s", Sum);
        var (_, text, _) = CliRunner.Run("disasm", src);
        Assert.Contains("0000000000000010 <loop>:\n       2:\t0f 10 00 00 00 00 00 00\tr0 += r1\n", text, StringComparison.Ordinal);
        Assert.Contains("if r1 < 5 goto -3 <loop>\n", text, StringComparison.Ordinal);
        Assert.Contains("\tjlt %r1, 5, -3 <loop>\n", CliRunner.Run("disasm", src, "--syntax", "ubpf").Out, StringComparison.Ordinal);
        Assert.Contains("\t(a5) if r1 < 0x5 goto pc-3 <loop>\n", CliRunner.Run("disasm", src, "--syntax", "kernel").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_memory_and_repeat()
    {
        using var dir = new TempDir();
        var src = dir.File("ld.s", "r0 = *(u32 *)(r1 + 1)\nr0 += r2\nexit\n");
        Assert.Equal("r0 = 0x5040307\n", CliRunner.Run("run", src, "--mem", "01 02 03 04 05").Out);
        dir.File("m.bin", new byte[] { 1, 2, 3, 4, 5, 6 });
        Assert.Equal("r0 = 0x5040308\n", CliRunner.Run("run", src, "--mem-file", Path.Combine(dir.Path, "m.bin")).Out);
        var (exit, output, _) = CliRunner.Run("run", src, "--mem", "0102030405", "--repeat", "1000");
        Assert.Equal(0, exit);
        Assert.Matches(@"^r0 = 0x5040307\n[0-9.]+ ns/run\n$", output);
    }

    [Fact]
    public void Run_reads_conformance_files_with_their_memory()
    {
        using var dir = new TempDir();
        var data = dir.File("t.data", "-- asm\nldxh %r0, [%r1+1]\nexit\n-- mem\n00 11 22\n-- result\n0x2211\n");
        Assert.Equal("r0 = 0x2211\n", CliRunner.Run("run", data).Out);
    }

    [Fact]
    public void Faults_and_bad_input_give_one_line_and_exit_code_1()
    {
        using var dir = new TempDir();
        var oob = dir.File("oob.s", "r0 = *(u64 *)(r1 + 4)\nexit\n");
        var (exit, output, err) = CliRunner.Run("run", oob, "--mem", "00 00 00 00");
        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Matches(@"^sharpbpf: run: pc 0: load of 8 bytes at 0x\w+ \(packet region 2\+0x4, size 4\) is out of bounds\n$", err);

        var bad = dir.File("bad.s", "r0 = 1\nr0 += r77\nexit\n");
        (exit, _, err) = CliRunner.Run("asm", bad);
        Assert.Equal(1, exit);
        Assert.Equal($"sharpbpf: {bad}:2:7: error ASM0003: invalid register r77\n", err);

        var loop = dir.File("loop.s", "l:\ngoto l\n");
        (exit, _, err) = CliRunner.Run("run", loop, "--budget", "1000");
        Assert.Equal(1, exit);
        Assert.Contains("instruction budget of 1000 exhausted", err, StringComparison.Ordinal);

        (exit, _, err) = CliRunner.Run("disasm", Path.Combine(dir.Path, "missing.bin"));
        Assert.Equal(1, exit);
        Assert.EndsWith("missing.bin: no such file\n", err, StringComparison.Ordinal);

        var odd = dir.File("odd.bin", new byte[12]);
        (exit, _, err) = CliRunner.Run("disasm", odd);
        Assert.Equal(1, exit);
        Assert.Contains("offset 0x8", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run")]
    [InlineData("run", "x.s", "--budget", "abc")]
    [InlineData("run", "x.s", "--mem", "zz")]
    [InlineData("disasm", "x.s", "--syntax", "intel")]
    [InlineData("conformance")]
    public void Usage_errors_exit_2(params string[] args)
    {
        using var dir = new TempDir();
        dir.File("x.s", "exit\n");
        var (exit, _, err) = CliRunner.RunIn(dir.Path, args);
        Assert.Equal(2, exit);
        Assert.StartsWith("sharpbpf: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Conformance_reports_failures_skips_and_totals()
    {
        using var dir = new TempDir();
        dir.File("a-pass.data", "-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n");
        dir.File("b-fail.data", "-- asm\nmov %r0, 2\nexit\n-- result\n0x1\n");
        dir.File("c-skip.data", "-- asm\nmov %r0, 2\nexit\n");
        dir.File("d-bad.data", "-- asm\nmov %r0, %r99\nexit\n-- error\nInvalid register\n");
        dir.File("e-reject.data", "-- raw\n95 00 01 00 00 00 00 00\n-- error\n");
        var (exit, output, _) = CliRunner.Run("conformance", dir.Path);
        Assert.Equal(1, exit);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("FAIL ", lines[0], StringComparison.Ordinal);
        Assert.Contains("expected r0 = 0x1, got 0x2", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("SKIP ", lines[1], StringComparison.Ordinal);
        Assert.Contains("does not assemble", lines[2], StringComparison.Ordinal);
        Assert.Equal("conformance: 2 passed, 2 failed, 1 skipped", lines[3]);
        Assert.Equal(0, CliRunner.Run("conformance", Path.Combine(dir.Path, "a-pass.data")).Exit);
    }
}

public sealed class ElfOutputTests
{
    [Fact]
    public void Asm_format_elf_writes_an_object_that_bpftool_loads_into_the_kernel()
    {
        using var dir = new TempDir();
        var src = dir.File("p.s", "r0 = 2\ncall f\nexit\nf:\nr0 = 1\nexit\n");
        var obj = Path.Combine(dir.Path, "p.o");
        var (exit, _, err) = CliRunner.Run("asm", src, "--format", "elf", "--section", "xdp", "--name", "sharpbpf_elf_test", "-o", obj);
        Assert.True(exit == 0, err);
        Assert.Contains("\"sharpbpf_elf_test\"", CliRunner.Run("obj", "show", obj, "-j").Out, StringComparison.Ordinal);

        var bpftool = new[] { "/usr/sbin/bpftool", "/usr/bin/bpftool", "/usr/local/sbin/bpftool" }.FirstOrDefault(File.Exists);
        if (bpftool is null)
            Assert.Skip("bpftool is not installed (./test.sh installs it from Debian); the kernel load of the written object is not checked");
        if (!Directory.Exists("/sys/fs/bpf") || !File.Exists("/proc/mounts") || !File.ReadAllText("/proc/mounts").Contains(" /sys/fs/bpf bpf ", StringComparison.Ordinal))
            Assert.Skip("bpffs is not mounted at /sys/fs/bpf");
        string pin = "/sys/fs/bpf/sharpbpf_elf_test_" + Environment.ProcessId;
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo(bpftool, ["prog", "load", obj, pin]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"bpftool prog load failed: {stderr}");
            Assert.True(File.Exists(pin));
        }
        finally
        {
            File.Delete(pin);
        }
    }
}
