using CsCheck;
using SharpBpf.Core;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// Untrusted bytecode never corrupts or crashes the host: random bytes and random well-formed
/// programs are loaded and run; every outcome must be a clean result or a clean diagnostic.
/// </summary>
public sealed class AdversarialTests
{
    [Fact]
    public void Random_bytes_never_crash_the_interpreter()
    {
        var helpers = HelperRegistry.CreateConformance();
        Gen.Byte.Array[8, 400].Select(Gen.Byte.Array[0, 64], (code, mem) => (code, mem)).Sample(t =>
        {
            if (!ProgramDecoder.TrySplit(t.code.AsSpan(0, t.code.Length / 8 * 8), out var program, out _))
                return;
            if (!BpfInterpreter.TryCreate(program, helpers, out var vm, out var d))
            {
                Assert.NotNull(d);
                return;
            }
            vm!.InstructionBudget = 10_000;
            var r = vm.Run(t.mem);
            Assert.True(r.Success || r.Error!.Pc >= 0);
        }, iter: 50_000);
    }

    [Fact]
    public void Random_valid_programs_with_in_range_jumps_never_crash_the_interpreter()
    {
        var helpers = HelperRegistry.CreateConformance();
        int ran = 0;
        InstructionGen.Program.Select(Gen.Byte.Array[0, 64], Gen.Int, (p, mem, seed) => (p, mem, seed)).Sample(t =>
        {
            var program = FixTargets(t.p, t.seed);
            if (!BpfInterpreter.TryCreate(program, helpers, out var vm, out _))
                return;
            vm!.InstructionBudget = 10_000;
            var r = vm.Run(t.mem);
            Interlocked.Increment(ref ran);
            Assert.True(r.Success || r.Error!.Pc >= 0 && r.Error.Pc <= program.Length);
        }, iter: 50_000);
        // The generator must actually produce loadable programs, or this test proves nothing.
        Assert.True(ran > 10_000, $"only {ran} of 50000 programs loaded");
    }

    [Fact]
    public void Pointer_arithmetic_cannot_escape_the_regions()
    {
        // Walk a pointer over the whole 64-bit space in big strides: every access faults or stays in a region.
        var rnd = new Random(1);
        for (int i = 0; i < 20_000; i++)
        {
            long delta = rnd.NextInt64();
            var program = new[]
            {
                new Instruction(Opcodes.LoadImm64, 2, 0, 0, (int)delta), new Instruction(0, 0, 0, 0, (int)(delta >> 32)),
                new Instruction(Opcodes.ClassAlu64 | Opcodes.Add | Opcodes.SourceX, 1, 2, 0, 0),
                new Instruction(Opcodes.ClassStx | Opcodes.ModeMem | Opcodes.SizeDW, 1, 2, 0, 0),
                new Instruction(Opcodes.ClassLdx | Opcodes.ModeMem | Opcodes.SizeDW, 0, 1, 0, 0),
                new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0),
            };
            var r = BpfInterpreter.Create(program).Run(new byte[16]);
            Assert.True(r.Success ? delta is >= 0 and <= 8 : r.Error!.Kind == RuntimeErrorKind.OutOfBounds);
        }
    }

    /// <summary>Rewrites branch targets so they land on instruction starts inside the program.</summary>
    internal static Instruction[] FixTargets(Instruction[] program, int seed)
    {
        var starts = new List<int>();
        for (int pc = 0; pc < program.Length; pc++)
        {
            starts.Add(pc);
            if (program[pc].IsWide)
                pc++;
        }
        var rnd = new Random(seed);
        var fixedProgram = (Instruction[])program.Clone();
        for (int pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            if (InstructionValidator.TryGetTarget(program, pc, out _))
            {
                int target = starts[rnd.Next(starts.Count)];
                int rel = target - pc - 1;
                var kind = OpcodeTable.KindOf(insn.Opcode);
                fixedProgram[pc] = kind is InstructionKind.Jump or InstructionKind.Ja or InstructionKind.MayGoto
                    ? insn.WithOffset((short)rel)
                    : insn.WithImmediate(rel);
            }
            if (insn.IsWide)
                pc++;
        }
        return fixedProgram;
    }
}
