using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Text;

// `parse [FILE]`: a quick in-process median of BtfSpec.Parse (what run.sh reports);
// anything else goes to BenchmarkDotNet (e.g. `--filter *`).
if (args.Length > 0 && args[0] == "parse")
{
    var path = args.Length > 1 ? args[1] : "/sys/kernel/btf/vmlinux";
    var bytes = File.ReadAllBytes(path);
    BtfSpec.Parse(bytes); // warm-up
    var samples = new List<double>();
    for (int i = 0; i < 31; i++)
    {
        long t = Stopwatch.GetTimestamp();
        BtfSpec.Parse(bytes);
        samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
    samples.Sort();
    Console.WriteLine(FormattableString.Invariant($"parse {path}: median {samples[samples.Count / 2]:0.0} ms, min {samples[0]:0.0} ms ({bytes.Length} bytes)"));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(SharpBpf.BtfBench.BtfBenchmarks).Assembly).Run(args);
return 0;

namespace SharpBpf.BtfBench
{
/// <summary>Parsing and dumping the running kernel's BTF.</summary>
[MemoryDiagnoser]
public class BtfBenchmarks
{
    private byte[] _bytes = [];
    private BtfSpec _btf = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = File.ReadAllBytes("/sys/kernel/btf/vmlinux");
        _btf = BtfSpec.Parse(_bytes);
    }

    [Benchmark]
    public int Parse() => BtfSpec.Parse(_bytes).TypeCount;

    [Benchmark]
    public void DumpRaw()
    {
        using var o = new Utf8Output(Stream.Null);
        BtfRawDumper.Dump(_btf, o);
    }

    [Benchmark]
    public void DumpC()
    {
        using var o = new Utf8Output(Stream.Null);
        BtfCDumper.Dump(_btf, o);
    }
}
}
