using System.Diagnostics;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Text;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

/// <summary>
/// The running kernel's BTF (/sys/kernel/btf/vmlinux, ~130k types) dumped as C and raw, byte for
/// byte against bpftool 7.1 run on the same file. Skips with a reason where there is no kernel
/// BTF or no bpftool 7.1 (another bpftool's libbpf prints C differently, e.g. enum mode attributes).
/// </summary>
public sealed class VmlinuxDumpTests
{
    private const string Vmlinux = "/sys/kernel/btf/vmlinux";

    private static readonly Lazy<(string? Path, string? Skip)> Bpftool = new(FindBpftool);

    [Fact]
    public async Task C_dump_of_vmlinux_is_bpftools()
    {
        var expected = await RunBpftoolAsync("c");
        var ms = new MemoryStream(expected.Length + 4096);
        using (var o = new Utf8Output(ms))
            BtfCDumper.Dump(BtfFileLoader.Load(Vmlinux), o);
        BtfDumpGoldenTests.AssertSameText("vmlinux format c", expected, ms.ToArray());
    }

    [Fact]
    public async Task Raw_dump_of_vmlinux_is_bpftools()
    {
        var expected = await RunBpftoolAsync("raw");
        var ms = new MemoryStream(expected.Length + 4096);
        using (var o = new Utf8Output(ms))
            BtfRawDumper.Dump(BtfFileLoader.Load(Vmlinux), o);
        BtfDumpGoldenTests.AssertSameText("vmlinux format raw", expected, ms.ToArray());
    }

    private static async Task<byte[]> RunBpftoolAsync(string format)
    {
        if (!File.Exists(Vmlinux))
            Assert.Skip($"{Vmlinux} does not exist (kernel built without CONFIG_DEBUG_INFO_BTF); the fixtures in tests/data/btf cover the dumper");
        var bpftool = Bpftool.Value;
        if (bpftool.Skip is not null)
            Assert.Skip(bpftool.Skip);

        var psi = new ProcessStartInfo(bpftool.Path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "btf", "dump", "file", Vmlinux, "format", format })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var token = TestContext.Current.CancellationToken;
        var stderr = process.StandardError.ReadToEndAsync(token);
        var stdout = new MemoryStream(8 << 20);
        await process.StandardOutput.BaseStream.CopyToAsync(stdout, token);
        await process.WaitForExitAsync(token);
        Assert.True(process.ExitCode == 0, $"{bpftool.Path} btf dump file {Vmlinux} format {format} exited with {process.ExitCode}: {await stderr}");
        return stdout.ToArray();
    }

    private static (string? Path, string? Skip) FindBpftool()
    {
        // Debian installs bpftool in /usr/sbin, which a non-root PATH may not include.
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]);
        var path = dirs.Select(d => Path.Combine(d, "bpftool")).FirstOrDefault(File.Exists);
        if (path is null)
            return (null, "bpftool is not installed (apt-get install bpftool); the fixtures in tests/data/btf cover the dumper");
        var psi = new ProcessStartInfo(path, "version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var version = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // "bpftool v7.1.0" (bpftool names itself as invoked, so match the version word).
        var first = version.Split('\n')[0];
        if (!first.Contains(" v7.1.", StringComparison.Ordinal))
            return (null, $"{path} reports '{first}', not bpftool 7.1 whose libbpf 1.1 output the dumper reproduces");
        return (path, null);
    }
}
