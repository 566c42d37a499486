using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The BCC-style facade with the README's example object: load, auto-attach, read the ring buffer.</summary>
public sealed class BpfObjectTests
{
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ExecEvent
    {
        public uint Pid;
        public uint Unused;
        public ulong StartNs;
        public fixed byte Comm[16];
        public fixed byte FileName[128];

        public string FileNameText
        {
            get
            {
                fixed (byte* p = FileName)
                {
                    var span = new ReadOnlySpan<byte>(p, 128);
                    int n = span.IndexOf((byte)0);
                    return Encoding.UTF8.GetString(n < 0 ? span : span[..n]);
                }
            }
        }
    }

    [Fact]
    public async Task Execsnoop_example_sees_a_child_process_exec()
    {
        var obj = Path.Combine(TestPaths.RepoRoot, "examples", "execsnoop", "execsnoop.bpf.o");
        using var bpf = BpfObject.Load(obj);
        Assert.Single(bpf.Links);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = bpf.RingBuffer<ExecEvent>("events", cts.Token);

        // A marker path nobody else runs: /bin/true under a unique symlink name.
        var dir = Directory.CreateTempSubdirectory("sharpbpf-exec-");
        try
        {
            var marker = Path.Combine(dir.FullName, "sharpbpf-marker-" + Environment.ProcessId);
            File.CreateSymbolicLink(marker, "/bin/true");
            using (var child = Process.Start(new ProcessStartInfo(marker) { UseShellExecute = false })!)
                await child.WaitForExitAsync(cts.Token);

            int pid = -1;
            await foreach (var e in events)
            {
                if (e.FileNameText == marker)
                {
                    pid = (int)e.Pid;
                    break;
                }
            }
            Assert.True(pid > 0, "no exec event for the marker");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
