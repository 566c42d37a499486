using SharpBpf.CodeGen;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Core.Tests;

public sealed class GeneratedCodeTests
{
    [Fact]
    public void HelperIds_is_up_to_date_with_the_uapi_header()
    {
        const string header = "/usr/include/linux/bpf.h";
        if (!File.Exists(header))
            Assert.Skip($"{header} is not installed (linux-libc-dev); cannot check HelperIds.g.cs against it");
        var expected = HelperIdsGenerator.Generate(File.ReadAllText(header),
            File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tools/SharpBpf.CodeGen/helpers-extra.tsv")));
        var actual = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src/SharpBpf.Core/HelperIds.g.cs"));
        Assert.True(expected == actual, "HelperIds.g.cs is stale: run `dotnet run --project tools/SharpBpf.CodeGen`");
    }

    [Fact]
    public void UapiEnums_is_up_to_date_with_the_uapi_header()
    {
        const string header = "/usr/include/linux/bpf.h";
        if (!File.Exists(header))
            Assert.Skip($"{header} is not installed (linux-libc-dev); cannot check UapiEnums.g.cs against it");
        var expected = UapiEnumsGenerator.Generate(File.ReadAllText(header),
            File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tools/SharpBpf.CodeGen/uapi-extra.tsv")));
        var actual = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src/SharpBpf.Core/UapiEnums.g.cs"));
        Assert.True(expected == actual, "UapiEnums.g.cs is stale: run `dotnet run --project tools/SharpBpf.CodeGen`");
    }

    [Fact]
    public void Uapi_enums_have_the_kernel_values_and_names()
    {
        Assert.Equal(6, (int)ProgramType.Xdp);
        Assert.Equal(27, (int)MapType.Ringbuf);
        Assert.Equal(46, (int)AttachType.TcxIngress);
        Assert.Equal("sched_cls", UapiNames.NameOf(ProgramType.SchedCls));
        Assert.Equal("percpu_array", UapiNames.NameOf(MapType.PercpuArray));
        Assert.Equal("cgroup_inet_ingress", UapiNames.NameOf(AttachType.CgroupInetIngress));
    }

    [Fact]
    public void Helper_names_follow_enum_bpf_func_id()
    {
        Assert.Equal("bpf_map_lookup_elem", HelperIds.NameOf(1));
        Assert.Equal("bpf_trace_printk", HelperIds.NameOf(6));
        Assert.Equal("bpf_ringbuf_output", HelperIds.NameOf(130));
        Assert.Equal(130, HelperIds.IdOf("ringbuf_output"));
        Assert.Null(HelperIds.NameOf(0));
        Assert.Null(HelperIds.NameOf(100_000));
    }
}
