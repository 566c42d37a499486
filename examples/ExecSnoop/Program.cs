using System.Text;
using SharpBpf.Linux;

// execsnoop in C#: load examples/execsnoop/execsnoop.bpf.o, attach its tracepoint (from its section
// name), print one line per execve() from its ring buffer. Run as root; Ctrl-C or --seconds N stops.
var seconds = args.Length == 2 && args[0] == "--seconds" ? int.Parse(args[1]) : 0;
using var cts = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

using var bpf = BpfObject.Load(Path.Combine(AppContext.BaseDirectory, "execsnoop.bpf.o"));
Console.WriteLine($"{"PID",-8} {"COMM",-16} FILENAME");
try
{
    await foreach (var e in bpf.RingBuffer<ExecEvent>("events", cts.Token))
        Console.WriteLine($"{e.Pid,-8} {e.CommText,-16} {e.FileNameText}");
}
catch (OperationCanceledException)
{
}

/// <summary>The event the BPF program writes (struct event in execsnoop.bpf.c).</summary>
internal unsafe struct ExecEvent
{
    public uint Pid;
    public uint Unused;
    public ulong StartNs;
    public fixed byte Comm[16];
    public fixed byte FileName[128];

    public string CommText { get { fixed (byte* p = Comm) return Text(p, 16); } }

    public string FileNameText { get { fixed (byte* p = FileName) return Text(p, 128); } }

    private static string Text(byte* p, int max) => Encoding.UTF8.GetString(p, new ReadOnlySpan<byte>(p, max).IndexOf((byte)0) is var n and >= 0 ? n : max);
}
