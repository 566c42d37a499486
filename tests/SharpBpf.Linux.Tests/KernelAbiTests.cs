using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpBpf.CodeGen;
using SharpBpf.Linux.Native;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>BpfAttr.g.cs against the running kernel's BTF: current, and laid out as the kernel lays its structs out.</summary>
public sealed class KernelAbiTests
{
    private static readonly Lazy<BtfSpec?> Vmlinux = new(() =>
        File.Exists(KernelAbiGenerator.VmlinuxPath) ? BtfSpec.Load(KernelAbiGenerator.VmlinuxPath) : null);

    private static BtfSpec RequireVmlinux()
    {
        if (Vmlinux.Value is null)
            Assert.Skip($"{KernelAbiGenerator.VmlinuxPath} does not exist (kernel built without CONFIG_DEBUG_INFO_BTF): nothing to check BpfAttr.g.cs against");
        return Vmlinux.Value!;
    }

    [Fact]
    public void BpfAttr_is_up_to_date_with_the_running_kernels_BTF()
    {
        var btf = RequireVmlinux();
        var committed = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, KernelAbiGenerator.OutputPath));
        string running = KernelAbiGenerator.RunningKernelVersion();
        var expected = KernelAbiGenerator.Generate(btf, running);
        if (expected == committed)
            return;
        string? generatedFrom = KernelAbiGenerator.VersionOf(committed);
        if (generatedFrom is not null && generatedFrom != running)
            Assert.Skip($"BpfAttr.g.cs was generated from Linux {generatedFrom}'s BTF and this is Linux {running}, whose ABI differs; check it on {generatedFrom}");
        Assert.Fail($"{KernelAbiGenerator.OutputPath} is stale: run `dotnet run --project tools/SharpBpf.CodeGen` (differs at line {FirstDifference(expected, committed)})");
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        var btf = RequireVmlinux();
        Assert.Equal(KernelAbiGenerator.Generate(btf, "6.18"), KernelAbiGenerator.Generate(btf, "6.18"));
    }

    [Fact]
    public void Struct_sizes_are_the_kernels()
    {
        var btf = RequireVmlinux();
        Assert.Equal(SizeOf(btf, "bpf_prog_info"), Unsafe.SizeOf<BpfProgInfo>());
        Assert.Equal(SizeOf(btf, "bpf_map_info"), Unsafe.SizeOf<BpfMapInfo>());
        Assert.Equal(SizeOf(btf, "bpf_btf_info"), Unsafe.SizeOf<BpfBtfInfo>());
        Assert.Equal(SizeOf(btf, "bpf_link_info"), Unsafe.SizeOf<BpfLinkInfo>());
        Assert.Equal(SizeOf(btf, "perf_event_attr"), Unsafe.SizeOf<PerfEventAttr>());
        Assert.Equal(SizeOf(btf, "perf_event_mmap_page"), Unsafe.SizeOf<PerfEventMmapPage>());
        // Every member is no larger than the union.
        var attr = btf.GetType(btf.FindByName("bpf_attr", BtfKind.Union));
        Assert.True(Unsafe.SizeOf<ProgLoadAttr>() <= attr.Size);
        Assert.True(Unsafe.SizeOf<MapCreateAttr>() <= attr.Size);
        Assert.True(Unsafe.SizeOf<LinkCreateAttr>() <= attr.Size);
    }

    [Theory]
    [InlineData(typeof(ProgLoadAttr), nameof(ProgLoadAttr.LogTrueSize), "prog_type", "log_true_size")]
    [InlineData(typeof(ProgLoadAttr), nameof(ProgLoadAttr.FdArray), "prog_type", "fd_array")]
    [InlineData(typeof(MapCreateAttr), nameof(MapCreateAttr.MapExtra), "map_type", "map_extra")]
    [InlineData(typeof(TestRunAttr), nameof(TestRunAttr.BatchSize), "test", "batch_size")]
    [InlineData(typeof(GetIdAttr), nameof(GetIdAttr.OpenFlags), "start_id", "open_flags")]
    [InlineData(typeof(LinkCreateAttr), nameof(LinkCreateAttr.TcxExpectedRevision), "link_create", "tcx.expected_revision")]
    [InlineData(typeof(LinkCreateAttr), nameof(LinkCreateAttr.UprobeMultiPid), "link_create", "uprobe_multi.pid")]
    [InlineData(typeof(BtfLoadAttr), nameof(BtfLoadAttr.BtfLogTrueSize), "btf_log_buf", "btf_log_true_size")]
    public void Field_offsets_are_the_kernels(Type type, string field, string attrMember, string path)
    {
        var btf = RequireVmlinux();
        var attr = btf.GetType(btf.FindByName("bpf_attr", BtfKind.Union));
        BtfType? member = null;
        for (int i = 0; i < attr.Vlen && member is null; i++)
        {
            var m = attr.Member(i);
            var t = btf.SkipModifiersAndTypedefs(m.Type);
            if (m.Name == attrMember || m.Name.Length == 0 && OffsetOf(btf, t, attrMember) is not null)
                member = t;
        }
        Assert.NotNull(member);
        Assert.Equal(OffsetOf(btf, member!.Value, path), (int)Marshal.OffsetOf(type, field));
    }

    [Theory]
    [InlineData("btf_key_type_id", "BtfKeyTypeId")]
    [InlineData("BPF_F_NO_PREALLOC", "BpfFNoPrealloc")]
    [InlineData("__reserved_1", "Reserved1")]
    [InlineData("cap_____res", "CapRes")]
    [InlineData("mmap2", "Mmap2")]
    public void Kernel_names_become_pascal_case(string kernel, string csharp) =>
        Assert.Equal(csharp, KernelAbiGenerator.Pascal(kernel));

    [Fact]
    public void Bitfields_read_and_write_their_bits()
    {
        var attr = default(PerfEventAttr);
        attr.Disabled = true;
        attr.PreciseIp = 3;
        attr.Watermark = true;
        Assert.True(attr.Disabled);
        Assert.Equal(3UL, attr.PreciseIp);
        Assert.False(attr.Inherit);
        // disabled is bit 0, watermark bit 14, precise_ip bits 15-16 of the u64 at offset 40.
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<PerfEventAttr>(in attr));
        Assert.Equal(1UL | (1UL << 14) | (3UL << 15), BitConverter.ToUInt64(bytes[40..48]));
        attr.PreciseIp = 0;
        Assert.Equal(1UL | (1UL << 14), BitConverter.ToUInt64(MemoryMarshal.AsBytes(new ReadOnlySpan<PerfEventAttr>(in attr))[40..48]));
    }

    [Fact]
    public void Only_Sys_issues_bpf()
    {
        var linux = Path.Combine(TestPaths.RepoRoot, "src", "SharpBpf.Linux");
        var offenders = Directory.EnumerateFiles(linux, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "Sys.cs" && File.ReadAllText(f).Contains("BpfSyscallNumber", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(offenders);
    }

    private static int SizeOf(BtfSpec btf, string name) => (int)btf.GetType(btf.FindByName(name, BtfKind.Struct)).Size;

    // The byte offset of a dotted member path, looking through anonymous members; null when absent.
    private static int? OffsetOf(BtfSpec btf, BtfType t, string path)
    {
        string head = path.Split('.')[0];
        string? rest = path.Contains('.', StringComparison.Ordinal) ? path[(head.Length + 1)..] : null;
        for (int i = 0; i < t.Vlen; i++)
        {
            var m = t.Member(i);
            var mt = btf.SkipModifiersAndTypedefs(m.Type);
            if (m.Name == head)
            {
                if (rest is null)
                    return (int)(m.BitOffset / 8);
                return OffsetOf(btf, mt, rest) is { } inner ? (int)(m.BitOffset / 8) + inner : null;
            }
            if (m.Name.Length == 0 && mt.Kind is BtfKind.Struct or BtfKind.Union && OffsetOf(btf, mt, path) is { } nested)
                return (int)(m.BitOffset / 8) + nested;
        }
        return null;
    }

    private static int FirstDifference(string a, string b)
    {
        var la = a.Split('\n');
        var lb = b.Split('\n');
        for (int i = 0; i < Math.Min(la.Length, lb.Length); i++)
        {
            if (la[i] != lb[i])
                return i + 1;
        }
        return Math.Min(la.Length, lb.Length) + 1;
    }
}
