using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux;
using SharpBpf.Linux.Attach;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// <c>link show|pin|detach</c> and <c>perf show</c> beside bpftool 7.1 on links this test makes
/// (and disposes): identical where bpftool 7.1 knows the link type, bpftool's output plus the
/// details of the newer bpftool where it does not (perf_event, xdp, tcx, uprobe_multi links).
/// </summary>
public sealed class LinkCommandTests : IDisposable
{
    private readonly string _pins = $"/sys/fs/bpf/sharpbpf-link-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly List<IDisposable> _objects = [];
    private string? _cgroup;
    private string? _netns;
    private string? _device;

    public void Dispose()
    {
        for (int i = _objects.Count - 1; i >= 0; i--)
            _objects[i].Dispose();
        if (Directory.Exists(_pins))
            Directory.Delete(_pins, recursive: true);
        if (_cgroup is not null)
            Directory.Delete(_cgroup);
        if (_netns is not null)
            Run("ip", "netns", "del", _netns);
        if (_device is not null)
            Run("ip", "link", "del", _device);
    }

    [Fact]
    public void Link_show_is_bpftool_s_for_raw_tracepoint_and_cgroup_links()
    {
        Require();
        var raw = Attach(Link.RawTracepoint(Load(ProgramType.RawTracepoint, "lt_raw"), "sched_switch"));
        var cgroup = Attach(Link.Cgroup(Load(ProgramType.CgroupSkb, "lt_skb", 1), Cgroup(), AttachType.CgroupInetEgress));
        Directory.CreateDirectory(_pins);
        raw.Pin(Path.Combine(_pins, "raw"));
        foreach (var link in new[] { raw, cgroup })
        {
            string id = link.KernelLink!.Id.ToString(CultureInfo.InvariantCulture);
            SameAsBpftool("link", "show", "id", id);
            SameAsBpftool("link", "list", "id", id);
            SameAsBpftool("-f", "link", "show", "id", id);
            SameAsBpftool("-j", "link", "show", "id", id);
            SameAsBpftool("-p", "-f", "link", "show", "id", id);
        }
        SameAsBpftool("-f", "link", "show", "pinned", Path.Combine(_pins, "raw"));
        var text = CliRunner.Run("link", "show", "id", raw.KernelLink!.Id.ToString(CultureInfo.InvariantCulture)).Out;
        Assert.Equal($"{raw.KernelLink.Id}: raw_tracepoint  prog {raw.ProgramId}  \n\ttp 'sched_switch'  \n", text);

        // The whole list: every link bpftool shows, with the same fields (other tests' links come and go).
        var all = CliRunner.Run("-j", "link", "show");
        Assert.Equal(0, all.Exit);
        using var listed = JsonDocument.Parse(all.Out);
        Assert.Contains(listed.RootElement.EnumerateArray(), e => e.GetProperty("id").GetUInt32() == cgroup.KernelLink!.Id &&
            e.GetProperty("attach_type").GetString() == "cgroup_inet_egress" && e.GetProperty("cgroup_id").GetUInt64() > 0);
        // "link" alone is "link show", as in bpftool.
        Assert.Contains($"{cgroup.KernelLink!.Id}: cgroup  prog {cgroup.ProgramId}  \n", CliRunner.Run("link").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_show_adds_what_bpftool_7_1_leaves_out_for_newer_links()
    {
        Require();
        var (device, ifindex) = Veth();
        var tracepoint = Attach(Link.Tracepoint(Load(ProgramType.Tracepoint, "lt_tp"), "syscalls", "sys_enter_openat", new TracepointOptions { Cookie = 9 }));
        var xdp = Attach(Link.Xdp(Load(ProgramType.Xdp, "lt_xdp", 2), ifindex, XdpAttachMode.Generic));
        var tcx = Attach(Link.Tcx(Load(ProgramType.SchedCls, "lt_tcx"), ifindex, AttachType.TcxEgress));
        var sampling = Attach(Link.PerfEvent(Load(ProgramType.PerfEvent, "lt_perf"),
            new PerfEventOptions { Config = (ulong)PerfSoftwareEvent.PageFaults, SamplePeriod = 1_000_000_000, Cpus = [0] }));
        var uprobe = Attach(Link.Uretprobe(Load(ProgramType.Kprobe, "lt_uprobe"), "/bin/true", 0x1000));

        // bpftool 7.1 prints the header; the bpftool of 6.18 and sharpbpf add the details.
        Extends(tracepoint, "perf_event", "\n\ttracepoint sys_enter_openat  cookie 9  ");
        Extends(xdp, "xdp", $"\n\tifindex {device}({ifindex})  ");
        Extends(sampling, "perf_event", "\n\tevent software:page-faults  ");
        Extends(uprobe, "perf_event", "\n\turetprobe /bin/true+0x1000  ");
        // tcx (6.6) is "type 11" to bpftool 7.1 (libbpf 1.1 has no name for it).
        string id = tcx.KernelLink!.Id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"{id}: type 11  prog {tcx.ProgramId}  \n", Bpftool("link", "show", "id", id).Out);
        Assert.Equal($"{id}: tcx  prog {tcx.ProgramId}  \n\tifindex {device}({ifindex})  attach_type tcx_egress  \n", CliRunner.Run("link", "show", "id", id).Out);
        using var json = JsonDocument.Parse(CliRunner.Run("-j", "link", "show", "id", id).Out);
        Assert.Equal("tcx", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(device, json.RootElement.GetProperty("devname").GetString());
        Assert.Equal(ifindex, json.RootElement.GetProperty("ifindex").GetInt32());
        Assert.Equal("tcx_egress", json.RootElement.GetProperty("attach_type").GetString());
    }

    [Fact]
    public void Link_pin_and_detach_act_on_the_kernel_as_bpftool_s()
    {
        Require();
        var (device, ifindex) = Veth();
        var xdp = Attach(Link.Xdp(Load(ProgramType.Xdp, "lt_xdp", 2), ifindex));
        string id = xdp.KernelLink!.Id.ToString(CultureInfo.InvariantCulture);
        Directory.CreateDirectory(_pins);
        string pin = Path.Combine(_pins, "xdp");
        Assert.Equal((0, "", ""), CliRunner.Run("link", "pin", "id", id, pin));
        using (var pinned = KernelLink.OpenPinned(pin))
            Assert.Equal(xdp.KernelLink.Id, pinned.Id);
        Assert.Equal((0, "null\n", ""), CliRunner.Run("-j", "link", "pin", "pinned", pin, pin + "2"));
        // -f: the pins, in bpftool's order, after the details bpftool 7.1 does not print for xdp links.
        string header = $"{id}: xdp  prog {xdp.ProgramId}  ";
        string theirs = Bpftool("-f", "link", "show", "pinned", pin + "2").Out;
        Assert.StartsWith(header + "\n\tpinned ", theirs, StringComparison.Ordinal);
        Assert.Equal(header + $"\n\tifindex {device}({ifindex})  " + theirs[header.Length..], CliRunner.Run("-f", "link", "show", "pinned", pin + "2").Out);

        Assert.Equal((0, "", ""), CliRunner.Run("link", "detach", "pinned", pin));
        var shown = CliRunner.Run("link", "show", "id", id).Out;
        Assert.Equal($"{id}: xdp  prog {xdp.ProgramId}  \n\tifindex (detached)  \n", shown);

        // Raw tracepoint links have no detach operation.
        var raw = Attach(Link.RawTracepoint(Load(ProgramType.RawTracepoint, "lt_raw"), "sched_switch"));
        var refused = CliRunner.Run("link", "detach", "id", raw.KernelLink!.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal((1, "sharpbpf: failed link detach: Operation not supported\n"), (refused.Exit, refused.Err));
    }

    [Fact]
    public void Perf_show_lists_this_process_s_perf_events_as_bpftool_does()
    {
        Require();
        Attach(Link.RawTracepoint(Load(ProgramType.RawTracepoint, "lt_raw"), "sched_switch"));
        Attach(Link.Tracepoint(Load(ProgramType.Tracepoint, "lt_tp"), "sched", "sched_switch", new TracepointOptions { Mode = PerfEventAttachMode.Ioctl }));
        Attach(Link.Uprobe(Load(ProgramType.Kprobe, "lt_uprobe"), "/bin/true", 0x1000));
        string mine = $"pid {Environment.ProcessId}  ";
        static string Mine(string output, string prefix) => string.Concat(output.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l + "\n"));
        var ours = Mine(CliRunner.Run("perf", "show").Out, mine);
        Assert.Equal(Mine(Bpftool("perf", "show").Out, mine), ours);
        Assert.Equal(3, ours.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("raw_tracepoint  sched_switch\n", ours, StringComparison.Ordinal);
        Assert.Contains("tracepoint  sched_switch\n", ours, StringComparison.Ordinal);
        Assert.Contains("uprobe  filename /bin/true  offset 4096\n", ours, StringComparison.Ordinal);
        Assert.Equal(ours, Mine(CliRunner.Run("perf").Out, mine));

        static string MineJson(string output) => string.Join(",", JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Where(e => e.GetProperty("pid").GetInt32() == Environment.ProcessId).Select(e => e.GetRawText()));
        Assert.Equal(MineJson(Bpftool("-j", "perf", "show").Out), MineJson(CliRunner.Run("-j", "perf", "list").Out));
    }

    [Theory]
    [InlineData(2, "sharpbpf: link show: can't parse abc as ID\n", "link", "show", "id", "abc")]
    [InlineData(2, "sharpbpf: link show: expected 'id' or 'pinned', got: 'name'?\n", "link", "show", "name", "x")]
    [InlineData(1, "sharpbpf: failed to get link with ID -1: No such file or directory\n", "link", "show", "id", "0xffffffff")]
    [InlineData(2, "sharpbpf: link detach: link specifier is invalid or missing\n", "link", "detach", "id")]
    [InlineData(2, "sharpbpf: link pin: expected LINK FILE\n", "link", "pin", "id", "1")]
    public void Bad_link_arguments_are_one_line_errors(int exit, string error, params string[] args)
    {
        Require();
        var result = CliRunner.Run(args);
        Assert.Equal((exit, "", error), result);
    }

    private void Extends(Link link, string type, string details)
    {
        string id = link.KernelLink!.Id.ToString(CultureInfo.InvariantCulture);
        string header = $"{id}: {type}  prog {link.ProgramId}  ";
        Assert.Equal(header + "\n", Bpftool("link", "show", "id", id).Out);
        Assert.Equal(header + details + "\n", CliRunner.Run("link", "show", "id", id).Out);
        // JSON: every field bpftool 7.1 prints, with its value, and more.
        using var theirs = JsonDocument.Parse(Bpftool("-j", "link", "show", "id", id).Out);
        using var ours = JsonDocument.Parse(CliRunner.Run("-j", "link", "show", "id", id).Out);
        foreach (var field in theirs.RootElement.EnumerateObject())
            Assert.Equal(field.Value.GetRawText(), ours.RootElement.GetProperty(field.Name).GetRawText());
        Assert.True(ours.RootElement.EnumerateObject().Count() > theirs.RootElement.EnumerateObject().Count());
    }

    private static void SameAsBpftool(params string[] args)
    {
        var theirs = Bpftool(args);
        var ours = CliRunner.Run(args);
        Assert.True(theirs.Exit == 0, $"bpftool {string.Join(' ', args)}: {theirs.Err}");
        Assert.True(ours.Exit == 0, $"sharpbpf {string.Join(' ', args)}: {ours.Err}");
        Assert.Equal(theirs.Out, ours.Out);
    }

    private KernelProgram Load(ProgramType type, string name, long r0 = 0)
    {
        var program = KernelProgram.Load(type, Assembler.Assemble($"r0 = {r0}\nexit\n"), "GPL", new ProgramLoadOptions { Name = name });
        _objects.Add(program);
        return program;
    }

    private Link Attach(Link link)
    {
        _objects.Add(link);
        return link;
    }

    private string Cgroup()
    {
        string? root = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash > 0 && line[(dash + 3)..].StartsWith("cgroup2 ", StringComparison.Ordinal))
                root = line.Split(' ')[4];
        }
        if (root is null)
            Assert.Skip("no cgroup2 mount");
        _cgroup = Path.Combine(root!, $"sharpbpf-link-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_cgroup);
        return _cgroup;
    }

    // A veth pair with one end here (its name resolves in this namespace) and the peer in a
    // namespace of the test's own; no traffic is sent.
    private (string Device, int Ifindex) Veth()
    {
        string n = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId % 100000}{Random.Shared.Next(100, 999)}");
        // The namespace carries the whole pid, so test.sh can remove it if this process is stopped.
        _netns = string.Create(CultureInfo.InvariantCulture, $"sharpbpf-link-test-{Environment.ProcessId}-{n}");
        _device = $"sl{n}";
        Run("ip", "netns", "add", _netns);
        Run("ip", "link", "add", _device, "type", "veth", "peer", "name", $"sp{n}", "netns", _netns);
        Run("ip", "link", "set", _device, "up");
        return (_device, NetDevice.IndexOf(_device));
    }

    private static void Require()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            Assert.Skip("needs root on Linux");
        try
        {
            var (exit, output, _) = Bpftool("version");
            if (exit != 0 || !output.Contains("bpftool v7.1", StringComparison.Ordinal))
                Assert.Skip("compares with bpftool 7.1");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("needs bpftool on PATH");
        }
    }

    private static (int Exit, string Out, string Err) Bpftool(params string[] args) => Run("bpftool", args);

    private static (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
