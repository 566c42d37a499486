using SharpBpf.Core;
using SharpBpf.Linux.Features;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The requirement table, the kernel config reader and the printer, without a kernel.</summary>
public sealed class FeatureUnitTests
{
    [Fact]
    public void Every_known_type_has_a_first_release()
    {
        foreach (var t in FeatureCatalog.ProgramTypes)
            Assert.True(FeatureRequirements.Of(t).MinimumKernel is not null, $"program type {t}");
        foreach (var t in FeatureCatalog.MapTypes)
            Assert.True(FeatureRequirements.Of(t).MinimumKernel is not null, $"map type {t}");
        foreach (var t in FeatureCatalog.AttachTypes)
        {
            Assert.True(FeatureRequirements.Of(t).MinimumKernel is not null, $"attach type {t}");
            Assert.True(FeatureCatalog.ProgramTypeOf(t) is not null, $"attach type {t} has no program type");
            Assert.DoesNotContain("type_", FeatureCatalog.NameOf(t), StringComparison.Ordinal);
        }
        foreach (var f in FeatureCatalog.MiscFeatures)
            Assert.True(FeatureRequirements.Of(f).MinimumKernel is not null || f == MiscFeature.SyscallWrapper, $"misc {f}");
    }

    [Fact]
    public void An_attach_type_is_no_older_than_its_program_type()
    {
        foreach (var t in FeatureCatalog.AttachTypes)
        {
            var program = FeatureRequirements.Of(FeatureCatalog.ProgramTypeOf(t)!.Value);
            Assert.True(FeatureRequirements.Of(t).MinimumKernel >= program.MinimumKernel, $"{t} before its program type");
            foreach (var option in program.RequiredConfig)
                Assert.Contains(option, FeatureRequirements.Of(t).RequiredConfig);
        }
    }

    [Fact]
    public void Helper_releases_grow_with_the_id_and_end_at_the_last_helper()
    {
        Version previous = new(0, 0);
        foreach (int id in FeatureCatalog.HelperIds)
        {
            var v = FeatureRequirements.HelperMinimumKernel(id);
            Assert.NotNull(v);
            Assert.True(v >= previous, $"helper {id} is older than helper {id - 1}");
            previous = v!;
        }
        Assert.Equal(new Version(6, 2), FeatureRequirements.HelperMinimumKernel(HelperIds.Count - 1));
        Assert.Equal(new Version(3, 19), FeatureRequirements.HelperMinimumKernel(1));
        Assert.Equal(new Version(4, 10), FeatureRequirements.HelperMinimumKernel(HelperIds.IdOf("bpf_xdp_adjust_head")));
        Assert.Equal(new Version(5, 8), FeatureRequirements.HelperMinimumKernel(HelperIds.IdOf("bpf_ringbuf_output")));
        Assert.Equal(new Version(5, 17), FeatureRequirements.HelperMinimumKernel(HelperIds.IdOf("bpf_loop")));
        Assert.Null(FeatureRequirements.HelperMinimumKernel(HelperIds.Count));
    }

    [Fact]
    public void Requirements_are_met_by_version_and_options()
    {
        var config = KernelConfig.Parse(new StringReader("#\n# Automatically generated file; DO NOT EDIT.\nCONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_HZ=250\nCONFIG_S=\"x y\"\n"), "test");
        Assert.True(config.IsEnabled("CONFIG_A"));
        Assert.True(config.IsEnabled("CONFIG_B"));
        Assert.False(config.IsEnabled("CONFIG_C"));
        Assert.Null(config["CONFIG_C"]);
        Assert.Equal("250", config["CONFIG_HZ"]);
        Assert.Equal("\"x y\"", config["CONFIG_S"]);
        var r = new FeatureRequirement(new Version(5, 8), "CONFIG_A", "CONFIG_B");
        Assert.True(r.IsMetBy(new Version(6, 1), config));
        Assert.False(r.IsMetBy(new Version(5, 7, 9), config));
        Assert.False(new FeatureRequirement(new Version(5, 8), "CONFIG_C").IsMetBy(new Version(6, 1), config));
        Assert.Equal(["CONFIG_C"], new FeatureRequirement(new Version(5, 8), "CONFIG_A", "CONFIG_C").MissingConfig(config));
        // Options required but no configuration to read: nothing can be expected.
        Assert.False(r.IsMetBy(new Version(6, 1), null));
        Assert.True(new FeatureRequirement(new Version(5, 8)).IsMetBy(new Version(6, 1), null));
        Assert.False(FeatureRequirement.Unknown.IsMetBy(new Version(6, 1), config));
    }

    [Fact]
    public void A_file_without_kconfigs_banner_is_not_a_configuration()
    {
        Assert.Throws<FormatException>(() => KernelConfig.Parse(new StringReader("hello\nworld\nCONFIG_A=y\n"), "x"));
    }

    [Fact]
    public void A_gzipped_configuration_reads_like_a_plain_one()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sharpbpf-config-{Guid.NewGuid():N}.gz");
        try
        {
            using (var file = File.Create(path))
            using (var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            using (var w = new StreamWriter(gz))
                w.Write("#\n# Automatically generated file; DO NOT EDIT.\nCONFIG_BPF=y\n");
            Assert.True(KernelConfig.Load(path).IsEnabled("CONFIG_BPF"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_option_the_table_names_is_printed()
    {
        var printed = FeatureReportPrinter.BpftoolConfigOptions.Concat(FeatureReportPrinter.ExtraConfigOptions).ToHashSet();
        var named = FeatureCatalog.ProgramTypes.SelectMany(t => FeatureRequirements.Of(t).RequiredConfig)
            .Concat(FeatureCatalog.MapTypes.SelectMany(t => FeatureRequirements.Of(t).RequiredConfig))
            .Concat(FeatureCatalog.AttachTypes.SelectMany(t => FeatureRequirements.Of(t).RequiredConfig))
            .Concat(FeatureCatalog.MiscFeatures.SelectMany(f => FeatureRequirements.Of(f).RequiredConfig))
            .Distinct();
        foreach (var option in named)
            Assert.Contains(option, printed);
        Assert.Equal(printed.Count, FeatureReportPrinter.BpftoolConfigOptions.Count + FeatureReportPrinter.ExtraConfigOptions.Count);
    }

    [Fact]
    public void Not_supported_names_the_feature_and_the_release_that_has_it()
    {
        var result = new FeatureProbeResult(FeatureKind.MapType, "future", "map type future", FeatureStatus.NotSupported, "test",
            "Invalid argument (EINVAL)", Errno.EINVAL, new FeatureRequirement(new Version(99, 0)));
        Assert.False(result.IsExpected);
        Assert.False(result.IsProbeFailure);
        var e = Assert.Throws<BpfNotSupportedException>(result.ThrowIfNotSupported);
        Assert.Equal(new Version(99, 0), e.MinimumKernel);
        Assert.Contains("map type future", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs 99.0", e.Message, StringComparison.Ordinal);

        var failing = new FeatureProbeResult(FeatureKind.MapType, "old", "map type old", FeatureStatus.NotSupported, "test",
            null, Errno.EINVAL, new FeatureRequirement(new Version(3, 0)));
        Assert.Equal(LinuxKernel.Version >= new Version(3, 0), failing.IsProbeFailure);
        var denied = new FeatureProbeResult(FeatureKind.MapType, "old", "map type old", FeatureStatus.Denied, "test",
            "EPERM", Errno.EPERM, new FeatureRequirement(new Version(3, 0)));
        Assert.False(denied.IsProbeFailure);
        Assert.Contains("refused", Assert.Throws<BpfNotSupportedException>(denied.ThrowIfNotSupported).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_btf_blobs_are_valid_btf()
    {
        // The local-storage BTF of the map probes parses as BTF with the three types libbpf writes.
        var spec = ObjectFile.Btf.BtfSpec.Parse(Probes.LocalStorageBtf);
        Assert.Equal(4, spec.TypeCount);
        Assert.Equal("bpf_spin_lock", spec.GetType(2).Name);
        Assert.Equal("val", spec.GetType(3).Name);
        Assert.Equal(8u, spec.GetType(3).Size);
    }
}
