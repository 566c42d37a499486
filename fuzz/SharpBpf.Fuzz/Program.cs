using System.Text;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Interpreter;
using SharpFuzz;

// SharpFuzz harnesses: every target must end in a result or a diagnostic; any other exception is a
// finding. See fuzz/README.md for running them under libFuzzer or AFL.
var targets = new Dictionary<string, Action<byte[]>>
{
    ["elf"] = data => CollectionLoader.TryParse(data, "fuzz.o", out _, out _),
    ["btf"] = data =>
    {
        if (BtfSpec.TryParse(data, null, out var btf, out _))
        {
            using var o = new SharpBpf.ObjectFile.Text.Utf8Output(Stream.Null);
            BtfRawDumper.Dump(btf!, o);
        }
    },
    ["decoder"] = data =>
    {
        if (ProgramDecoder.TrySplit(data.AsSpan(0, data.Length / 8 * 8), out var program, out _))
        {
            Disassembler.Text(program, LlvmFormatter.Instance);
            if (BpfInterpreter.TryCreate(program, HelperRegistry.CreateConformance(), out var vm, out _))
            {
                vm!.InstructionBudget = 100_000;
                vm.Run(new byte[64]);
            }
        }
    },
    ["asm"] = data =>
    {
        var text = Encoding.UTF8.GetString(data);
        Assembler.TryAssemble(text, AsmSyntax.Llvm, out _, out _);
        Assembler.TryAssemble(text, AsmSyntax.Ubpf, out _, out _);
    },
};

if (args.Length < 1 || !targets.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: SharpBpf.Fuzz {string.Join('|', targets.Keys)} [--libfuzzer | FILE...]");
    return 2;
}
if (args.Length > 1 && args[1] == "--libfuzzer")
{
    Fuzzer.LibFuzzer.Run(span => target(span.ToArray()));
    return 0;
}
if (args.Length > 1)
{
    // Replay inputs (crash reproducers, corpus files).
    foreach (var file in args[1..])
        target(File.ReadAllBytes(file));
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var ms = new MemoryStream();
    stream.CopyTo(ms);
    target(ms.ToArray());
});
return 0;
