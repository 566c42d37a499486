using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpBpf.Core;
using SharpBpf.Linux.Loader;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux;

/// <summary>
/// The kernel's verifier as an oracle: loads a program for real (BPF_PROG_LOAD), keeps the
/// verdict, the reason and the statistics, and closes it again. Used to compare SharpBpf's own
/// verifier with the kernel's (agreement tests, <c>sharpbpf verify --agreement</c>, the
/// verification-time benchmark).
/// </summary>
public static partial class KernelVerifier
{
    /// <summary>
    /// Verifies raw instructions. Each <c>lddw rX, map_fd</c> (src 1) names a map by its index
    /// in <paramref name="maps"/>; the maps are created for the load and closed after it.
    /// </summary>
    public static KernelVerdict Verify(ProgramType type, AttachType? attachType, ReadOnlySpan<Instruction> program,
        IReadOnlyList<MapSpec>? maps = null, string license = "GPL")
    {
        var created = new List<KernelMap>();
        try
        {
            foreach (var spec in maps ?? [])
                created.Add(KernelMap.Create(spec));
            var code = program.ToArray();
            for (int i = 0; i < code.Length; i++)
            {
                var insn = code[i];
                if (insn.IsWide && insn.Src == (int)LoadImm64Source.MapFd && insn.Immediate >= 0 && insn.Immediate < created.Count)
                    code[i] = insn.WithImmediate(created[insn.Immediate].Fd.Value);
            }
            var options = new ProgramLoadOptions { ExpectedAttachType = attachType, LogLevel = VerifierLogLevel.Stats };
            var watch = Stopwatch.StartNew();
            try
            {
                using var loaded = KernelProgram.Load(type, code, license, options);
                return Accepted(loaded.VerifierLog ?? "", watch.Elapsed);
            }
            catch (BpfVerifierException e)
            {
                var elapsed = watch.Elapsed;
                // A stats-only log has the reason but seldom the instruction: ask again for the path.
                if (e.InstructionIndex is null && e.Reason?.Contains("too large", StringComparison.Ordinal) != true)
                {
                    try
                    {
                        using var again = KernelProgram.Load(type, code, license, new ProgramLoadOptions { ExpectedAttachType = attachType, LogLevel = VerifierLogLevel.Basic });
                    }
                    catch (BpfVerifierException e2)
                    {
                        return Rejected(e, e2.InstructionIndex, elapsed);
                    }
                }
                return Rejected(e, e.InstructionIndex, elapsed);
            }
            catch (BpfException e)
            {
                return new KernelVerdict { Accepted = false, Reason = e.Message, Log = "", Errno = e.Errno };
            }
        }
        finally
        {
            foreach (var m in created)
                m.Dispose();
        }
    }

    /// <summary>Verifies one program of an object through the loader (maps, global data, BTF, CO-RE), as libbpf would load it.</summary>
    public static KernelVerdict Verify(CollectionSpec collection, string program)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var loaded = Collection.Load(collection, new CollectionOptions { Programs = [program], LogLevel = VerifierLogLevel.Stats, PinMaps = false });
            return Accepted(loaded.Program(program).VerifierLog ?? "", watch.Elapsed);
        }
        catch (BpfException e)
        {
            for (Exception? x = e; x is not null; x = x.InnerException)
            {
                if (x is BpfVerifierException v)
                    return Rejected(v, v.InstructionIndex, watch.Elapsed);
            }
            return new KernelVerdict { Accepted = false, Reason = e.Message, Log = "", Errno = e.Errno };
        }
    }

    private static KernelVerdict Accepted(string log, TimeSpan elapsed) => new()
    {
        Accepted = true, Log = log, Elapsed = elapsed,
        ProcessedInstructions = Processed(log), VerificationTime = Time(log),
    };

    private static KernelVerdict Rejected(BpfVerifierException e, int? pc, TimeSpan elapsed) => new()
    {
        Accepted = false, Reason = e.Reason, Pc = pc, Log = e.Log, Errno = e.Errno, Elapsed = elapsed,
        ProcessedInstructions = Processed(e.Log), VerificationTime = Time(e.Log),
    };

    // print_verification_stats (kernel/bpf/verifier.c): "verification time 12 usec" and "processed 5 insns (limit ...".
    private static TimeSpan? Time(string log) =>
        TimeLine().Match(log) is { Success: true } m ? TimeSpan.FromMicroseconds(long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)) : null;

    private static int? Processed(string log) =>
        ProcessedLine().Match(log) is { Success: true } m ? int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"verification time (\d+) usec")]
    private static partial Regex TimeLine();

    [GeneratedRegex(@"processed (\d+) insns")]
    private static partial Regex ProcessedLine();
}
