using System.Buffers.Binary;
using SharpBpf.Core;

namespace SharpBpf.Linux;

/// <summary>
/// Runs a program of the memory convention (uBPF, bpf_conformance: r1 = a buffer, r2 = its length,
/// the result the full 64-bit r0) in the real kernel, as an XDP program under BPF_PROG_TEST_RUN,
/// so the kernel's JIT can be compared with userspace engines on 64 bits.
/// </summary>
/// <remarks>
/// XDP gets a context and returns 32 bits, so the program becomes a subprogram of a 19-instruction
/// main: the packet is an 8-byte result slot followed by the buffer (padded to the 14 bytes
/// test_run wants); main checks the packet is that long (which also proves the buffer readable to
/// the verifier), calls the program with r1 = the buffer and r2 = its length, and stores the
/// returned r0 into the slot, which comes back in data_out. The program's own code (its jumps and
/// bpf-to-bpf calls are pc-relative) is unchanged.
/// </remarks>
public static class KernelMemoryRunner
{
    private const int Slot = 8;
    // bpf_test_init refuses packets shorter than an Ethernet header.
    private const int MinPacket = 14;

    /// <summary>Instructions in front of the program.</summary>
    public const int PrologLength = 19;

    /// <summary>
    /// Loads (BPF_PROG_LOAD as XDP) and test-runs the program once on a copy of
    /// <paramref name="memory"/>. A verifier rejection is a result, not an exception; other
    /// failures (no privileges, no bpf(2)) throw <see cref="BpfException"/>.
    /// </summary>
    public static KernelMemoryRun Run(ReadOnlySpan<Instruction> program, byte[]? memory)
    {
        int length = memory?.Length ?? 0;
        var code = Wrap(program, length);
        KernelProgram loaded;
        try
        {
            loaded = KernelProgram.Load(ProgramType.Xdp, code, "GPL", new ProgramLoadOptions { Name = "conformance" });
        }
        catch (BpfVerifierException e)
        {
            return new KernelMemoryRun(RejectionOf(e), 0, null);
        }
        using (loaded)
        {
            var packet = new byte[Math.Max(Slot + length, MinPacket)];
            memory?.CopyTo(packet, Slot);
            var result = loaded.TestRun(packet);
            var data = result.Data;
            if (data.Length < Slot + length)
                throw new InvalidOperationException($"the kernel returned {data.Length} bytes of packet, fewer than the {Slot + length} it was given");
            ulong r0 = BinaryPrimitives.ReadUInt64LittleEndian(data);
            return new KernelMemoryRun(null, r0, memory is null ? null : data.AsSpan(Slot, length).ToArray());
        }
    }

    /// <summary>The XDP program: the main described above, then the program as its subprogram.</summary>
    public static Instruction[] Wrap(ReadOnlySpan<Instruction> program, int memoryLength)
    {
        int body = PrologLength;
        var main = new Instruction[]
        {
            Mov64Reg(6, 1),                                // r6 = ctx
            Ldxw(2, 6, 4),                                 // r2 = data_end
            Ldxw(1, 6, 0),                                 // r1 = data
            Mov64Reg(3, 1),
            Add64Imm(3, Slot + memoryLength),
            new(Opcodes.ClassJmp | Opcodes.Jle | Opcodes.SourceX, 3, 2, 2, 0), // if r3 <= r2 goto +2
            Mov64Imm(0, 0),
            new(Opcodes.ClassJmp | Opcodes.Exit, 0, 0, 0, 0),
            Add64Imm(1, Slot),                             // r1 = the buffer
            Mov64Imm(2, memoryLength),                     // r2 = its length
            new(Opcodes.ClassJmp | Opcodes.Call, 0, (int)CallSource.Local, 0, body - 11), // call the program (pc 11 + imm)
            Ldxw(1, 6, 0),                                 // the packet again (the callee may not keep it)
            Ldxw(2, 6, 4),
            Mov64Reg(3, 1),
            Add64Imm(3, Slot),
            new(Opcodes.ClassJmp | Opcodes.Jgt | Opcodes.SourceX, 3, 2, 1, 0), // if r3 > r2 goto +1
            new(Opcodes.ClassStx | Opcodes.ModeMem | Opcodes.SizeDW, 1, 0, 0, 0), // *(u64 *)(r1 + 0) = r0
            Mov64ImmExit(),
        };
        var code = new Instruction[main.Length + 1 + program.Length];
        main.CopyTo(code, 0);
        // The last main instruction returns XDP_PASS.
        code[main.Length] = new Instruction(Opcodes.ClassJmp | Opcodes.Exit, 0, 0, 0, 0);
        program.CopyTo(code.AsSpan(main.Length + 1));
        return code;
    }

    private static string RejectionOf(BpfVerifierException e)
    {
        if (e.Reason is { Length: > 0 } reason)
            return reason;
        string first = e.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return first.Length > 0 ? first : e.Message;
    }

    private static Instruction Mov64Reg(int dst, int src) => new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, dst, src, 0, 0);

    private static Instruction Mov64Imm(int dst, int imm) => new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceK, dst, 0, 0, imm);

    // r0 = XDP_PASS (2), the instruction before the final exit.
    private static Instruction Mov64ImmExit() => Mov64Imm(0, 2);

    private static Instruction Add64Imm(int dst, int imm) => new(Opcodes.ClassAlu64 | Opcodes.Add | Opcodes.SourceK, dst, 0, 0, imm);

    private static Instruction Ldxw(int dst, int src, short off) => new(Opcodes.ClassLdx | Opcodes.ModeMem | Opcodes.SizeW, dst, src, off, 0);
}
