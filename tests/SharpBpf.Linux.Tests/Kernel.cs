using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>
/// What the kernel tests share: the one capability check (bpf(2) usable at all: Linux with
/// CONFIG_BPF_SYSCALL, and the privileges to create a map), map specs, and unique bpffs paths.
/// </summary>
internal static class Kernel
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Skips the test with the reason when this machine cannot use bpf(2).</summary>
    public static void Require()
    {
        if (Unavailable.Value is { } reason)
            Assert.Skip(reason);
    }

    /// <summary>Requires bpf(2) and a mounted bpffs (mounting one at /sys/fs/bpf if needed).</summary>
    public static void RequireBpfFs()
    {
        Require();
        BpfFs.EnsureMounted();
    }

    /// <summary>A pin path no other test uses.</summary>
    public static string PinPath(string what) =>
        Path.Combine(BpfFs.DefaultPath, $"sharpbpf-test-{Environment.ProcessId}-{what}-{Guid.NewGuid():N}");

    public static MapSpec Spec(MapType type, uint keySize, uint valueSize, uint maxEntries, string name = "test", uint flags = 0) => new()
    {
        Name = name,
        Type = type,
        KeySize = keySize,
        ValueSize = valueSize,
        MaxEntries = maxEntries,
        Flags = flags,
        Origin = MapOrigin.BtfMaps,
        SectionName = ".maps",
    };

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "bpf(2) is Linux's; this is " + System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        try
        {
            using var map = KernelMap.Create(Spec(MapType.Array, 4, 4, 1, "probe"));
            return null;
        }
        catch (BpfException e) when (e.Errno is Errno.EPERM or Errno.EACCES)
        {
            return $"bpf(2) is not permitted here ({e.Message}): run as root or with CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN";
        }
        catch (BpfNotSupportedException e) when (e.Errno == Errno.ENOSYS)
        {
            return $"this kernel has no bpf(2) ({e.Message})";
        }
    }
}
