using CsCheck;
using SharpBpf.Core;
using SharpBpf.Runtime.Jit;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>
/// The JIT against the interpreter on random programs (CsCheck): the interpreter is the
/// specification, so every observable outcome must match, with and without BMI2.
/// </summary>
public sealed class JitDifferentialTests
{
    private static readonly JitOptions NoBmi2 = new() { UseBmi2 = false };

    /// <summary>Registers that hold pointers in <see cref="PointerPrologue"/>: r1 the buffer, r3-r5 into it, r6 into the stack, and r10.</summary>
    private static readonly int[] PointerRegisters = [1, 3, 4, 5, 6, 10];

    private static readonly byte[] Sizes = [Opcodes.SizeW, Opcodes.SizeH, Opcodes.SizeB, Opcodes.SizeDW];

    /// <summary>r3 = r1; r4 = r1 + 8; r5 = r1 + 40; r6 = r10 - 64; r7 = 8.</summary>
    private static readonly Instruction[] PointerPrologue =
    [
        new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 3, 1, 0, 0),
        new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 4, 1, 0, 0),
        new(Opcodes.ClassAlu64 | Opcodes.Add, 4, 0, 0, 8),
        new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 5, 1, 0, 0),
        new(Opcodes.ClassAlu64 | Opcodes.Add, 5, 0, 0, 40),
        new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 6, 10, 0, 0),
        new(Opcodes.ClassAlu64 | Opcodes.Add, 6, 0, 0, -64),
        new(Opcodes.ClassAlu64 | Opcodes.Mov, 7, 0, 0, 8),
    ];

    /// <summary>Loads, stores and atomics through pointer registers at small offsets: mostly in bounds, sometimes just out.</summary>
    private static readonly Gen<Instruction> PointerAccess =
        Gen.Select(Gen.Int[0, 5], Gen.OneOf<byte>(Sizes), Gen.OneOf<int>(PointerRegisters), Gen.Int[0, 9], Gen.Int[-72, 72], Gen.Int[-300, 300], Gen.Int[0, 9],
            (kind, size, b, other, off, imm, rmw) =>
            {
                short o = (short)off;
                int value = other == 10 ? 10 : other;
                int[] ops = [0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, Opcodes.AtomicXchg, Opcodes.AtomicCmpXchg];
                return kind switch
                {
                    0 => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), other == 10 ? 0 : other, b, o, 0),
                    1 => new Instruction((byte)(Opcodes.ClassLdx | Opcodes.ModeMemSx | (size == Opcodes.SizeDW ? Opcodes.SizeW : size)), other == 10 ? 2 : other, b, o, 0),
                    2 => new Instruction((byte)(Opcodes.ClassSt | Opcodes.ModeMem | size), b, 0, o, imm),
                    3 => new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), b, value, o, 0),
                    4 => new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | (size == Opcodes.SizeW ? Opcodes.SizeW : Opcodes.SizeDW)), b,
                        (ops[rmw] & Opcodes.AtomicFetch) != 0 && ops[rmw] != Opcodes.AtomicCmpXchg && value == 10 ? 2 : value, (short)(o & ~7), ops[rmw]),
                    _ => new Instruction((byte)(Opcodes.ClassStx | Opcodes.ModeAtomic | size), other == 10 ? 0 : other, b, o, size % 2 == 0 ? Opcodes.AtomicLoadAcquire : Opcodes.AtomicLoadAcquire),
                };
            });

    /// <summary>Pointer arithmetic on r3-r5 (and copies between them) so cached translations get invalidated.</summary>
    private static readonly Gen<Instruction> PointerMove =
        Gen.Select(Gen.Int[3, 5], Gen.Int[-24, 24], Gen.Bool, Gen.OneOf<int>(PointerRegisters),
            (d, k, copy, s) => copy
                ? new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, d, s, 0, 0)
                : new Instruction(Opcodes.ClassAlu64 | Opcodes.Add, d, 0, 0, k));

    /// <summary>Helper calls by id 1-8 (all registered in <see cref="JitDifferential.Helpers"/>) and callx.</summary>
    private static readonly Gen<Instruction> HelperCall =
        Gen.Select(Gen.Int[1, 8], Gen.Bool, (id, x) => x
            ? new Instruction(Opcodes.CallXOpcode, 7, 0, 0, 0)
            : new Instruction(Opcodes.CallOpcode, 0, 0, 0, id));

    private static readonly Gen<Instruction[]> PointerProgram =
        Gen.Frequency<Instruction[]>(
                (5, InstructionGen.Single.Select(i => new[] { i })),
                (6, PointerAccess.Select(i => new[] { i })),
                (2, PointerMove.Select(i => new[] { i })),
                (1, HelperCall.Select(i => new[] { i })),
                (1, InstructionGen.Wide))
            .Array[1, 50]
            .Select(units => PointerPrologue.Concat(units.SelectMany(u => u)).Append(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0)).ToArray());

    [Fact]
    public void Random_valid_programs_agree_with_the_interpreter()
    {
        var helpers = JitDifferential.Helpers();
        int ran = 0;
        InstructionGen.Program.Select(Gen.Byte.Array[0, 64], Gen.Int, (p, mem, seed) => (p, mem, seed)).Sample(t =>
        {
            var program = AdversarialTests.FixTargets(t.p, t.seed);
            if (JitDifferential.AssertSame(program, t.mem, 10_000, helpers) is not null)
                Interlocked.Increment(ref ran);
        }, iter: 20_000);
        Assert.True(ran > 4_000, $"only {ran} of 20000 programs loaded");
    }

    [Fact]
    public void Random_pointer_programs_agree_with_the_interpreter()
    {
        var helpers = JitDifferential.Helpers();
        int ran = 0, cached = 0, succeeded = 0, outOfBounds = 0, helperFaults = 0;
        PointerProgram.Select(Gen.Byte.Array[0, 96], Gen.Int, (p, mem, seed) => (p, mem, seed)).Sample(t =>
        {
            var program = AdversarialTests.FixTargets(t.p, t.seed);
            if (JitDifferential.AssertSame(program, t.mem, 5_000, helpers) is not { } o)
                return;
            Interlocked.Increment(ref ran);
            if (o.CachedAccesses)
                Interlocked.Increment(ref cached);
            if (o.Result.Success)
                Interlocked.Increment(ref succeeded);
            else if (o.Result.Error!.Kind == RuntimeErrorKind.OutOfBounds)
                Interlocked.Increment(ref outOfBounds);
            else if (o.Result.Error!.Kind is RuntimeErrorKind.HelperFailed or RuntimeErrorKind.UnknownHelper)
                Interlocked.Increment(ref helperFaults);
        }, iter: 20_000);
        // The generator must reach every interesting case, or agreement proves little.
        Assert.True(ran > 10_000, $"only {ran} of 20000 programs loaded");
        Assert.True(cached > 500, $"only {cached} programs used the translation cache");
        Assert.True(succeeded > 1_000, $"only {succeeded} runs reached exit");
        Assert.True(outOfBounds > 1_000, $"only {outOfBounds} runs faulted out of bounds");
        Assert.True(helperFaults > 100, $"only {helperFaults} runs stopped in a helper");
    }

    [Fact]
    public void Random_pointer_programs_agree_without_bmi2()
    {
        var helpers = JitDifferential.Helpers();
        PointerProgram.Select(Gen.Byte.Array[0, 96], Gen.Int, (p, mem, seed) => (p, mem, seed)).Sample(t =>
        {
            var program = AdversarialTests.FixTargets(t.p, t.seed);
            JitDifferential.AssertSame(program, t.mem, 5_000, helpers, NoBmi2);
        }, iter: 5_000);
    }

    [Fact]
    public void Random_programs_agree_without_bmi2()
    {
        var helpers = JitDifferential.Helpers();
        InstructionGen.Program.Select(Gen.Byte.Array[0, 64], Gen.Int, (p, mem, seed) => (p, mem, seed)).Sample(t =>
        {
            var program = AdversarialTests.FixTargets(t.p, t.seed);
            JitDifferential.AssertSame(program, t.mem, 10_000, helpers, NoBmi2);
        }, iter: 5_000);
    }
}
