using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Linux.Native;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The parts that need no kernel: parsers and layouts.</summary>
public sealed class UnitTests
{
    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-1", 2)]
    [InlineData("0-3,8-11\n", 8)]
    [InlineData("0,2,4-5", 4)]
    public void Cpu_lists_count_their_cpus(string list, int count) => Assert.Equal(count, LinuxKernel.ParseCpuList(list));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a")]
    public void Bad_cpu_lists_are_rejected(string list) => Assert.ThrowsAny<FormatException>(() => LinuxKernel.ParseCpuList(list));

    [Theory]
    [InlineData("6.18.44-fc-v1272", "6.18.44")]
    [InlineData("5.15.0-91-generic", "5.15.0")]
    [InlineData("6.1", "6.1.0")]
    [InlineData("unknown", "0.0")]
    public void Releases_parse_to_versions(string release, string version) =>
        Assert.Equal(Version.Parse(version), LinuxKernel.ParseRelease(release));

    [Fact]
    public void Kernel_files_read_as_File_ReadAllText_does()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("not Linux");
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease"), KernelFiles.ReadAllText("/proc/sys/kernel/osrelease"));
        string dir = Directory.CreateTempSubdirectory("sharpbpf-kernelfiles-").FullName;
        try
        {
            // Longer than one read buffer, with multi-byte characters across its boundaries.
            string text = string.Concat(Enumerable.Range(0, 3000).Select(i => i % 7 == 0 ? "é€" : "ab"));
            string path = Path.Combine(dir, "long");
            File.WriteAllText(path, text);
            Assert.Equal(text, KernelFiles.ReadAllText(path));
            File.WriteAllText(path, "");
            Assert.Equal("", KernelFiles.ReadAllText(path));
            Assert.Throws<FileNotFoundException>(() => KernelFiles.ReadAllText(Path.Combine(dir, "missing")));
            Assert.Throws<FileNotFoundException>(() => KernelFiles.ReadAllText(Path.Combine(path, "below-a-file")));
            Assert.Throws<IOException>(() => KernelFiles.ReadAllText(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Running_kernel_facts_are_read()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("not Linux");
        Assert.True(LinuxKernel.Version >= new Version(3, 0));
        Assert.InRange(LinuxKernel.PossibleCpus, Environment.ProcessorCount, 8192);
    }

    [Theory]
    [InlineData("""
        func#0 @0
        0: R1=ctx() R10=fp0
        0: (b7) r1 = 1                        ; R1_w=1
        1: (b7) r2 = 2                        ; R2_w=2
        2: (95) exit
        R0 !read_ok
        processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
        """, 2, "R0 !read_ok")]
    [InlineData("""
        0: R1=ctx() R10=fp0
        ; return bpf_map_lookup_elem(&m, &k); @ prog.c:12
        4: (85) call bpf_map_lookup_elem#1
        R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
        processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0

        """, 4, "R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_")]
    [InlineData("jump out of range from insn 1 to 5\nprocessed 0 insns (limit 1000000)\n", 1, "jump out of range from insn 1 to 5")]
    [InlineData("unknown opcode 8f\n", null, "unknown opcode 8f")]
    [InlineData("", null, null)]
    public void Verifier_log_names_the_failing_instruction(string log, int? index, string? reason)
    {
        Assert.Equal((index, reason), VerifierLog.FindError(log.Replace("\r", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void Map_layout_rounds_per_cpu_values_to_8_bytes()
    {
        Assert.Equal(8, BpfMapLayout.PerCpuStride(1));
        Assert.Equal(16, BpfMapLayout.PerCpuStride(12));
        Assert.Equal(48, BpfMapLayout.ValueBufferSize(MapType.LruPercpuHash, 12, 3));
        Assert.Equal(12, BpfMapLayout.ValueBufferSize(MapType.Hash, 12, 3));
        Assert.True(BpfMapLayout.IsKeyless(MapType.Queue));
        Assert.False(BpfMapLayout.IsPerCpu(MapType.Array));
    }

    [Fact]
    public void Epoll_events_use_the_architectures_layout()
    {
        var buffer = new byte[EpollEvent.Size * 2];
        new EpollEvent(Libc.EpollIn, 0x1122334455667788).Write(buffer.AsSpan(EpollEvent.Size));
        Assert.Equal(new EpollEvent(Libc.EpollIn, 0x1122334455667788), EpollEvent.Read(buffer, 1));
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 ? 12 : 16,
            EpollEvent.Size);
    }

    [Fact]
    public void Errno_text_names_the_errno()
    {
        Assert.Equal("No such file or directory (ENOENT)", BpfException.Describe(Errno.ENOENT));
        Assert.Equal("Operation not supported (ENOTSUPP)", BpfException.Describe(Errno.ENOTSUPP));
        Assert.EndsWith("(errno 200)", BpfException.Describe((Errno)200), StringComparison.Ordinal);
    }
}
