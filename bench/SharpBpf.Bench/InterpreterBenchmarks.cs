using BenchmarkDotNet.Attributes;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Bench;

/// <summary>The interpreter on each ../shared/bench/data program: one <see cref="BpfInterpreter.Run(byte[], MemoryMap)"/> per op.</summary>
[MemoryDiagnoser]
public class InterpreterBenchmarks
{
    private BpfInterpreter _interpreter = null!;
    private byte[]? _buffer;
    private MemoryMap _map = null!;

    /// <summary>Every program in the shared folder's bench/data.</summary>
    public static IEnumerable<string> Programs() => BenchProgram.Names(BenchPaths.DefaultShared());

    /// <summary>The program to run.</summary>
    [ParamsSource(nameof(Programs))]
    public string Program { get; set; } = "";

    /// <summary>Prepares the interpreter and checks it computes the file's result.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var program = BenchProgram.Load(BenchProgram.PathOf(BenchPaths.DefaultShared(), Program));
        _interpreter = program.CreateInterpreter();
        _buffer = program.Memory is null ? null : (byte[])program.Memory.Clone();
        _map = new MemoryMap();
        var result = _interpreter.Run(_buffer, _map);
        if (result.Error is not null || result.ReturnValue != program.ExpectedResult)
            throw new InvalidOperationException($"{Program}: r0 = 0x{result.ReturnValue:x} ({result.Error}), expected 0x{program.ExpectedResult:x}");
    }

    /// <summary>One run, ns/run.</summary>
    [Benchmark]
    public ulong Run() => _interpreter.Run(_buffer, _map).ReturnValue;
}
