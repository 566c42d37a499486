using SharpBpf.Core;
using SharpBpf.Linux;
using SharpBpf.TestKit;
using SharpBpf.Verifier.Agreement;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>
/// SharpBpf's verifier against the kernel's, which loads every program for real (BPF_PROG_LOAD
/// as root): the bpf_conformance tests and negative tests, every program of the object fixtures,
/// the benchmark programs, the case files and the generated classic bugs. Every disagreement must
/// be listed in tests/data/verifier/agreement-disagreements.txt with its reason, and none may be
/// "SharpBpf accepts what the kernel rejects for a safety reason".
/// </summary>
public sealed class KernelAgreementTests
{
    private static string ListPath => Path.Combine(TestPaths.Data, "verifier", "agreement-disagreements.txt");

    private static readonly Lazy<string?> KernelUnavailable = new(Probe);

    [Fact]
    public void Kernel_verifier_agrees_on_the_corpus_as_listed()
    {
        if (KernelUnavailable.Value is { } why)
            Assert.Skip(why);
        var skipped = new List<string>();
        var cases = AgreementCorpus.Load(
        [
            TestPaths.RequireShared("conformance", "bpf_conformance", "tests"),
            TestPaths.RequireShared("conformance", "bpf_conformance", "negative"),
            Path.Combine(TestPaths.Data, "objects"),
            TestPaths.RequireShared("bench", "bytecode"),
            Path.Combine(TestPaths.Data, "verifier"),
        ], skipped);
        cases.AddRange(ClassicBugs.All());
        var report = AgreementReport.Run(cases, Kernel, Disagreements.Load(ListPath), skipped);
        Assert.True(report.Problems.Count == 0, report.ToMarkdown());
        // The corpus is what it says: every conformance test, and programs on both sides of each verdict.
        Assert.Equal(313, report.Rows.Count(r => r.Case.Group == "conformance"));
        Assert.Equal(47, report.Rows.Count(r => r.Case.Group == "negative"));
        Assert.Contains(report.Rows, r => r.Case.Group == "generated" && r.Outcome == AgreementOutcome.BothAccept);
        Assert.Contains(report.Rows, r => r.Case.Group == "generated" && r.Outcome == AgreementOutcome.BothReject);
    }

    [Fact]
    public void Every_generated_bug_is_rejected_by_both_and_every_fixed_twin_accepted()
    {
        if (KernelUnavailable.Value is { } why)
            Assert.Skip(why);
        foreach (var c in ClassicBugs.All())
        {
            var ours = c.VerifyOurs();
            var kernel = Kernel(c);
            // Fixed twins, and what root may do (read uninitialised stack, return a pointer).
            bool shouldAccept = c.ExpectAccepted!.Value;
            Assert.True(shouldAccept == ours.Accepted, $"{c.Name}: SharpBpf {(ours.Accepted ? "accepts" : "rejects: " + ours.Errors[0].Explain())}");
            Assert.True(shouldAccept == kernel.Accepted, $"{c.Name}: the kernel {(kernel.Accepted ? "accepts" : "rejects: " + kernel.Reason)}");
        }
    }

    private static ReferenceVerdict Kernel(AgreementCase c)
    {
        var v = c.Collection is { } collection
            ? KernelVerifier.Verify(collection, c.ProgramName!)
            : KernelVerifier.Verify(c.Type, c.AttachType, c.Program, c.Maps);
        return new ReferenceVerdict(v.Accepted, v.Reason, v.Pc);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "the kernel's verifier is Linux's";
        var v = KernelVerifier.Verify(ProgramType.SocketFilter, null, [Instruction.FromRaw(0x00000000000000b7), Instruction.FromRaw(0x0000000000000095)]);
        return v.Accepted ? null : $"cannot load a BPF program here ({v.Reason}): run as root";
    }
}
