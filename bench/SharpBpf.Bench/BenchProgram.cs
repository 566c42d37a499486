using SharpBpf.Core;
using SharpBpf.Core.Files;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Bench;

/// <summary>One benchmark program of ../shared/bench/data: its bytecode, input packet and expected r0.</summary>
public sealed class BenchProgram
{
    private BenchProgram(string name, Instruction[] instructions, byte[]? memory, ulong expected)
    {
        Name = name;
        Instructions = instructions;
        Memory = memory;
        ExpectedResult = expected;
    }

    /// <summary>The file name without <c>.data</c> (<c>fnv1a</c>), as the peers' tables name it.</summary>
    public string Name { get; }

    /// <summary>The program.</summary>
    public Instruction[] Instructions { get; }

    /// <summary>The <c>-- mem</c> bytes (the 1500-byte packet), or null.</summary>
    public byte[]? Memory { get; }

    /// <summary>The <c>-- result</c> value.</summary>
    public ulong ExpectedResult { get; }

    /// <summary>An interpreter for the program, with the helpers the conformance files expect.</summary>
    public BpfInterpreter CreateInterpreter() => BpfInterpreter.Create(Instructions, HelperRegistry.CreateConformance());

    /// <summary>Loads one <c>.data</c> file.</summary>
    public static BenchProgram Load(string path)
    {
        var file = ProgramFile.Load(path);
        if (file.ExpectedResult is not { } expected)
            throw new InvalidDataException($"{path}: no -- result");
        return new BenchProgram(Path.GetFileNameWithoutExtension(path), file.Instructions, file.Memory, expected);
    }

    /// <summary>The names of the programs in <c>DIR/bench/data</c>, in the order of the peers' table.</summary>
    public static IReadOnlyList<string> Names(string sharedDir)
    {
        var dir = Path.Combine(sharedDir, "bench", "data");
        var names = Directory.EnumerateFiles(dir, "*.data").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
        // Smallest first, as the README's table lists them; unknown names go last, alphabetically.
        string[] order = ["empty", "pkt_parse", "fnv1a", "alu_straight", "alu_straight_nodiv", "arith_loop_10k", "arith_loop"];
        return [.. names.OrderBy(n => Array.IndexOf(order, n) is var i and >= 0 ? i : order.Length).ThenBy(n => n, StringComparer.Ordinal)];
    }

    /// <summary>The path of a program's <c>.data</c> file.</summary>
    public static string PathOf(string sharedDir, string name) => Path.Combine(sharedDir, "bench", "data", name + ".data");
}
