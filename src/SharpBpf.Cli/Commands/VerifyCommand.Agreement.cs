using System.Globalization;
using SharpBpf.Linux;
using SharpBpf.Verifier.Agreement;

namespace SharpBpf.Cli.Commands;

/// <summary>
/// <c>sharpbpf verify --agreement PATH...</c> (the agreement table with the kernel's verifier) and
/// <c>sharpbpf verify --bench PATH...</c> (verification time against the kernel's).
/// </summary>
internal static partial class VerifyCommand
{
    private static int Agreement(string[] paths, string? listPath, bool generated, bool everyRow)
    {
        var skipped = new List<string>();
        var cases = LoadCorpus(paths, skipped);
        if (generated)
            cases.AddRange(ClassicBugs.All());
        var listed = listPath is null ? Disagreements.None : Disagreements.Load(listPath);
        var report = AgreementReport.Run(cases, Kernel, listed, skipped);
        Console.Out.Write(report.ToMarkdown());
        if (everyRow)
        {
            Console.Out.WriteLine();
            Console.Out.Write(report.ToRowList());
        }
        return report.Problems.Count == 0 ? 0 : 1;
    }

    private static int Bench(string[] paths, int repeat)
    {
        if (repeat < 1)
            throw new CliError("--repeat must be at least 1", 2);
        var cases = LoadCorpus(paths, []);
        var o = Console.Out;
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"Median of {repeat} runs each. Kernel: \"verification time\" of BPF_LOG_STATS (Linux {Environment.OSVersion.Version}); SharpBpf: Verify() wall time, in process."));
        o.WriteLine();
        o.WriteLine("| program | insns | kernel processed | kernel µs | SharpBpf processed | SharpBpf µs | SharpBpf / kernel |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        double logSum = 0;
        int rated = 0;
        foreach (var c in cases)
        {
            var ours = c.VerifyOurs();          // the verdict, and warm-up where code is jitted
            for (int w = 0; w < 3 && ours.Accepted; w++)
                c.VerifyOurs();
            var kernel = KernelVerdictOf(c);
            if (!kernel.Accepted || !ours.Accepted)
            {
                o.WriteLine(string.Create(inv, $"| {c.Name} | {Slots(c)} | {(kernel.Accepted ? "accepted" : "rejected")} | | {(ours.Accepted ? "accepted" : "rejected")} | | (not timed) |"));
                continue;
            }
            var kernelTimes = new List<double>();
            var ourTimes = new List<double>();
            for (int i = 0; i < repeat; i++)
            {
                ourTimes.Add(c.VerifyOurs().Stats.Elapsed.TotalMicroseconds);
                if (KernelVerdictOf(c).VerificationTime is { } t)
                    kernelTimes.Add(t.TotalMicroseconds);
            }
            double k = Median(kernelTimes), s = Median(ourTimes);
            // The kernel reports whole microseconds: a 0 is "under 1 µs", rated as 1.
            double ratio = s / Math.Max(k, 1);
            logSum += Math.Log(ratio);
            rated++;
            o.WriteLine(string.Create(inv, $"| {c.Name} | {Slots(c)} | {kernel.ProcessedInstructions} | {k:0} | {ours.Stats.ProcessedInstructions} | {s:0.0} | {ratio:0.00}x |"));
        }
        if (rated > 0)
            o.WriteLine(string.Create(inv, $"| **geometric mean** | | | | | | **{Math.Exp(logSum / rated):0.00}x** |"));
        return 0;
    }

    private static int Slots(AgreementCase c) => c.Collection is { } col ? col.Programs[c.ProgramName!].Instructions.Length : c.Program.Length;

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        values.Sort();
        return values[values.Count / 2];
    }

    private static List<AgreementCase> LoadCorpus(string[] paths, List<string> skipped)
    {
        try
        {
            return AgreementCorpus.Load(paths, skipped);
        }
        catch (FileNotFoundException e)
        {
            throw new CliError(e.Message);
        }
    }

    private static ReferenceVerdict Kernel(AgreementCase c)
    {
        var v = KernelVerdictOf(c);
        return new ReferenceVerdict(v.Accepted, v.Reason, v.Pc);
    }

    private static KernelVerdict KernelVerdictOf(AgreementCase c) => c.Collection is { } collection
        ? KernelVerifier.Verify(collection, c.ProgramName!)
        : KernelVerifier.Verify(c.Type, c.AttachType, c.Program, c.Maps);
}
