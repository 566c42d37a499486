using CsCheck;
using SharpBpf.Core;
using SharpBpf.Core.Formatting;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>
/// The verifier against the interpreter: random programs in the memory+length convention that the
/// verifier accepts never fault when run (no access outside the buffer or the stack), whatever the
/// buffer holds. The programs compute offsets with every ALU operation and guard accesses with
/// every kind of comparison (64/32-bit, signed/unsigned), so a wrong range, tnum or refinement
/// shows up as a fault.
/// </summary>
public sealed class SoundnessTests
{
    private const int MemorySize = 48;

    private static Instruction Alu(bool is64, byte op, int dst, int imm) => new((byte)((is64 ? Opcodes.ClassAlu64 : Opcodes.ClassAlu) | op), dst, 0, 0, imm);
    private static Instruction AluX(bool is64, byte op, int dst, int src) => new((byte)((is64 ? Opcodes.ClassAlu64 : Opcodes.ClassAlu) | op | Opcodes.SourceX), dst, src, 0, 0);
    private static Instruction Load(byte size, int dst, int src, short off) => new((byte)(Opcodes.ClassLdx | Opcodes.ModeMem | size), dst, src, off, 0);
    private static Instruction Store(byte size, int dst, int src, short off) => new((byte)(Opcodes.ClassStx | Opcodes.ModeMem | size), dst, src, off, 0);
    private static Instruction Jump(bool is64, byte op, int dst, int imm, short off) => new((byte)((is64 ? Opcodes.ClassJmp : Opcodes.ClassJmp32) | op), dst, 0, off, imm);
    private static Instruction JumpX(bool is64, byte op, int dst, int src, short off) => new((byte)((is64 ? Opcodes.ClassJmp : Opcodes.ClassJmp32) | op | Opcodes.SourceX), dst, src, off, 0);

    private static readonly byte[] AluOps = [Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Or, Opcodes.And, Opcodes.Lsh, Opcodes.Rsh, Opcodes.Mod, Opcodes.Xor, Opcodes.Arsh];
    private static readonly byte[] JumpOps = [Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset, Opcodes.Jne, Opcodes.Jsgt, Opcodes.Jsge, Opcodes.Jlt, Opcodes.Jle, Opcodes.Jslt, Opcodes.Jsle];
    private static readonly byte[] Sizes = [Opcodes.SizeB, Opcodes.SizeH, Opcodes.SizeW, Opcodes.SizeDW];
    private static readonly Gen<int> Reg = Gen.OneOf(0, 3, 4, 5, 6, 7);
    private static readonly Gen<int> SmallImm = Gen.Frequency<int>((3, Gen.Int[-8, 64]), (1, Gen.Int), (1, Gen.OneOf(0xff, 0xffff, 0x7fffffff, -1, 3, 7, 15, 31, 63)));

    /// <summary>One chunk of a program: a few instructions, with a forward jump over at most the rest of the chunk.</summary>
    private static readonly Gen<Instruction[]> Chunk = Gen.Frequency<Instruction[]>(
        (4, Gen.Select(Gen.Bool, Gen.OneOf<byte>(AluOps), Reg, SmallImm).Select((is64, op, d, imm) =>
            new[] { op is Opcodes.Lsh or Opcodes.Rsh or Opcodes.Arsh ? Alu(is64, op, d, imm & (is64 ? 63 : 31)) : op is Opcodes.Div or Opcodes.Mod && imm == 0 ? Alu(is64, op, d, 3) : Alu(is64, op, d, imm) })),
        (3, Gen.Select(Gen.Bool, Gen.OneOf<byte>(AluOps), Reg, Reg).Select((is64, op, d, s) =>
            op is Opcodes.Lsh or Opcodes.Rsh or Opcodes.Arsh ? new[] { Alu(is64, Opcodes.And, s, is64 ? 63 : 31), AluX(is64, op, d, s) } : new[] { AluX(is64, op, d, s) })),
        (1, Gen.Select(Reg, Reg).Select((d, s) => new[] { new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, d, s, 0, 0) })),
        (2, Gen.Select(Gen.OneOf<byte>(Sizes), Reg, Gen.Int[0, MemorySize + 4]).Select((size, d, off) => new[] { Load(size, d, 1, (short)off) })),
        // A guarded access at a computed offset: p = r1 + idx; load p[k].
        (4, Gen.Select(Reg, Gen.OneOf<byte>(JumpOps), Gen.Bool, SmallImm, Gen.OneOf<byte>(Sizes), Gen.Int[0, 8]).Select((idx, jop, is64, bound, size, k) => new[]
        {
            Jump(is64, jop, idx, bound, 3),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 8, 1, 0, 0),
            AluX(true, Opcodes.Add, 8, idx),
            Load(size, 0, 8, (short)k),
        })),
        // The same with the bound in a register.
        (2, Gen.Select(Reg, Reg, Gen.OneOf<byte>(JumpOps), Gen.Bool, Gen.OneOf<byte>(Sizes)).Select((idx, b, jop, is64, size) => new[]
        {
            JumpX(is64, jop, idx, b, 3),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 8, 1, 0, 0),
            AluX(true, Opcodes.Add, 8, idx),
            Load(size, 0, 8, 0),
        })),
        // The length: if (r2 < k) skip; load at k - size.
        (2, Gen.Select(Gen.Int[1, MemorySize], Gen.OneOf<byte>(Sizes)).Select((k, size) => new[]
        {
            Jump(true, Opcodes.Jlt, 2, k, 1),
            Load(size, 0, 1, (short)Math.Max(0, k - Opcodes.SizeInBytes(size))),
        })),
        // Stack traffic: spill and fill, at variable offsets too.
        (2, Gen.Select(Reg, Reg, Gen.Int[1, 8], Gen.OneOf<byte>(Sizes)).Select((s, d, slot, size) => new[]
        {
            Store(size, 10, s, (short)(-8 * slot)),
            Load(size, d, 10, (short)(-8 * slot)),
        })),
        (1, Gen.Select(Reg, Gen.Int[1, 7]).Select((idx, mask) => new[]
        {
            Alu(true, Opcodes.And, idx, 8 * mask),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Neg, idx, 0, 0, 0),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 9, 10, 0, 0),
            AluX(true, Opcodes.Add, 9, idx),
            Load(Opcodes.SizeDW, 0, 9, -8),
        })),
        // A counted loop around a guarded access (widened when it runs more than 64 times).
        (2, Gen.Select(Gen.Int[1, 200], Gen.Int[1, 4], Reg, Gen.OneOf<byte>(Sizes), Gen.Bool).Select((n, step, idx, size, signed) => new[]
        {
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, 9, 0, 0, 0),
            Alu(true, Opcodes.And, idx, 31),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 8, 1, 0, 0),
            AluX(true, Opcodes.Add, 8, idx),
            Load(size, 0, 8, 0),
            AluX(true, Opcodes.Add, idx, 9),
            Alu(true, Opcodes.Add, 9, step),
            Jump(true, signed ? Opcodes.Jslt : Opcodes.Jlt, 9, n, -7),
        })),
        // A loop whose progress depends on data: it must be rejected unless it provably ends.
        (1, Gen.Select(Reg, Gen.Int[1, 100]).Select((r, n) => new[]
        {
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, 9, 0, 0, 0),
            AluX(true, Opcodes.Add, 9, r),
            Jump(true, Opcodes.Jlt, 9, n, -2),
        })),
        // A bpf-to-bpf call with a pointer and an index; the callee guards and reads.
        (2, Gen.Select(Reg, Gen.OneOf<byte>(JumpOps), Gen.Bool, SmallImm).Select((idx, jop, is64, bound) => new[]
        {
            Store(Opcodes.SizeDW, 10, 1, -64),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 2, idx, 0, 0),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, 3, 0, 0, bound),
            new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, 4, 0, 0, jop | (is64 ? 0x100 : 0)),
            new Instruction(Opcodes.CallOpcode, 0, (int)CallSource.Local, 0, int.MinValue), // patched: the callee for (jop, is64)
            Load(Opcodes.SizeDW, 1, 10, -64),
        })),
        // A branch on anything, skipping the next chunk's first instruction.
        (2, Gen.Select(Reg, Reg, Gen.OneOf<byte>(JumpOps), Gen.Bool, Gen.Bool, SmallImm).Select((a, b, jop, is64, x, imm) =>
            new[] { x ? JumpX(is64, jop, a, b, 1) : Jump(is64, jop, a, imm, 1), Alu(true, Opcodes.Add, a, 1) })));

    private static readonly Gen<Instruction[]> Program = Gen.Select(SmallImm.Array[6], Chunk.Array[1, 14]).Select((init, chunks) =>
    {
        var code = new List<Instruction>();
        int[] regs = [0, 3, 4, 5, 6, 7];
        for (int i = 0; i < regs.Length; i++)
            code.Add(i % 2 == 0 ? new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, regs[i], 0, 0, init[i]) : Load(Opcodes.SizeB, regs[i], 1, (short)(init[i] & 7)));
        for (int s = 1; s <= 8; s++)
            code.Add(new Instruction(Opcodes.ClassSt | Opcodes.ModeMem | Opcodes.SizeDW, 10, 0, (short)(-8 * s), 0));
        foreach (var c in chunks)
            code.AddRange(c);
        code.Add(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0));
        // The callees: one per comparison, 32 and 64-bit; each reads r1[r2] when r2 passes the test against r3.
        var callee = new Dictionary<int, int>();
        for (int pc = 0; pc < code.Count; pc++)
        {
            if (code[pc].Opcode != Opcodes.CallOpcode || code[pc].Immediate != int.MinValue)
                continue;
            int key = code[pc - 1].Immediate;
            if (!callee.TryGetValue(key, out int start))
            {
                start = code.Count;
                callee[key] = start;
                bool is64 = (key & 0x100) != 0;
                code.Add(new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov, 0, 0, 0, 0));
                code.Add(JumpX(is64, (byte)(key & 0xf0), 2, 3, 1)); // taken: the access
                code.Add(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0));
                code.Add(AluX(true, Opcodes.Add, 1, 2));
                code.Add(Load(Opcodes.SizeB, 0, 1, 0));
                code.Add(new Instruction(Opcodes.ExitOpcode, 0, 0, 0, 0));
            }
            code[pc] = code[pc].WithImmediate(start - pc - 1);
        }
        return code.ToArray();
    });

    [Fact]
    public void Accepted_programs_never_fault()
    {
        int accepted = 0, total = 0, loops = 0;
        var inputs = Gen.Byte.Array[MemorySize];
        Program.Sample(program =>
        {
            total++;
            // Short cut: the prologue reads up to byte 7, so without a length check most programs
            // would be rejected; give half of them a known size.
            var options = new VerifierOptions { MemorySize = total % 2 == 0 ? MemorySize : null };
            var result = Verifier.Verify(program, options);
            if (!result.Accepted)
                return;
            accepted++;
            var interpreter = BpfInterpreter.Create(program, HelperRegistry.CreateConformance());
            interpreter.InstructionBudget = 100_000;
            for (int run = 0; run < 8; run++)
            {
                var memory = inputs.Single();
                if (run == 0) Array.Fill(memory, (byte)0xff);
                if (run == 1) Array.Clear(memory);
                var r = interpreter.Run(memory, new MemoryMap());
                loops += r.Instructions > 300 ? 1 : 0;
                Assert.True(r.Error is null,
                    $"accepted, but the run failed: {r.Error}\n{Disassembler.Text(program, LlvmFormatter.Instance)}\nmemory: {Convert.ToHexString(memory)}");
            }
        }, iter: int.TryParse(Environment.GetEnvironmentVariable("SOUND_ITER"), out int n) ? n : 4_000, print: p => Disassembler.Text(p, LlvmFormatter.Instance));
        // The property says something only if the verifier accepts a good share.
        Assert.True(accepted > total / 10 && loops > 0 && Environment.GetEnvironmentVariable("SOUND_DEBUG") is null,
            $"{accepted} of {total} random programs were accepted, {loops} runs looped");
    }

    [Fact]
    public void Facts_say_accesses_are_in_bounds_only_when_they_are()
    {
        var program = Core.Assembly.Assembler.Assemble("""
            r0 = 0
            if r2 < 8 goto +1
            r0 = *(u64 *)(r1 + 0)
            r3 = *(u8 *)(r10 - 1)
            exit
            """, AsmSyntax.Llvm);
        var result = Verifier.Verify(program, new VerifierOptions { Privileged = true });
        Assert.True(result.Accepted);
        Assert.True(result.Facts.AccessInBounds[2]);
        Assert.Equal(MemoryRegionKind.Memory, result.Facts.Regions[2]);
        Assert.Equal(MemoryRegionKind.Stack, result.Facts.Regions[3]);
        Assert.False(result.Facts.AccessInBounds[0]);
    }

    public static TheoryData<string> AcceptedCorpus()
    {
        var data = new TheoryData<string>();
        foreach (var (folder, pattern, group) in new[] { ("conformance/bpf_conformance/tests", "*.data", "conformance"), ("bench/bytecode", "*.hex", "bench") })
        {
            var dir = TestPaths.Shared is { } shared ? Path.Combine(shared, folder) : null;
            if (dir is null || !Directory.Exists(dir))
                continue;
            foreach (var f in Directory.EnumerateFiles(dir, pattern).Select(f => Path.GetFileName(f)!).Where(n => !n.StartsWith("pkt1500", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                data.Add(group + "/" + f);
        }
        if (data.Count == 0)
            data.Add("(../shared absent)");
        return data;
    }

    /// <summary>
    /// The contract of <see cref="VerifierFacts.AccessInBounds"/> that a JIT relies on, on whole
    /// programs (as XDP behind the memory convention's prolog, and in the memory convention): true
    /// exactly for the reached loads, stores and atomics other than LD_ABS/LD_IND.
    /// </summary>
    [Theory]
    [MemberData(nameof(AcceptedCorpus))]
    public void Accepted_program_has_every_reached_access_proven_and_nothing_else(string name)
    {
        var parts = name.Split('/');
        if (parts.Length != 2)
            Assert.Skip("../shared is absent");
        var path = parts[0] == "bench"
            ? TestPaths.RequireShared("bench", "bytecode", parts[1])
            : TestPaths.RequireShared("conformance", "bpf_conformance", "tests", parts[1]);
        var file = Core.Files.ProgramFile.Load(path);
        int size = parts[0] == "bench" ? 1500 : file.Memory?.Length ?? 0;
        foreach (var (program, options) in new[]
        {
            (file.Instructions, new VerifierOptions { MemorySize = size }),
            (Agreement.MemoryConvention.AsXdp(file.Instructions, size), new VerifierOptions { ProgramType = ProgramType.Xdp }),
        })
        {
            var result = Verifier.Verify(program, options);
            if (!result.Accepted)
                continue; // the shift and callx tests: rejected, no facts to check
            for (int pc = 0; pc < program.Length; pc++)
            {
                var kind = OpcodeTable.KindOf(program[pc].Opcode);
                bool secondSlot = pc > 0 && program[pc - 1].IsWide;
                bool access = !secondSlot && result.Facts.Reached[pc] && kind is InstructionKind.Load or InstructionKind.LoadSx or InstructionKind.Store or InstructionKind.StoreImm or InstructionKind.Atomic;
                Assert.True(access == result.Facts.AccessInBounds[pc], $"{name} pc {pc} ({kind}): AccessInBounds is {result.Facts.AccessInBounds[pc]}");
                Assert.True(access == (result.Facts.Regions[pc] != MemoryRegionKind.None), $"{name} pc {pc}: region {result.Facts.Regions[pc]}");
            }
        }
    }
}
