using SharpBpf.Core;
using SharpBpf.TestKit;
using SharpBpf.Verifier.Agreement;
using Xunit;

namespace SharpBpf.Verifier.Tests;

/// <summary>The agreement bookkeeping without a kernel: what counts as a problem, and the list's format.</summary>
public sealed class AgreementReportTests
{
    private static AgreementCase Case(string name, bool accepted) => new()
    {
        Name = name, Group = "generated", Type = ProgramType.Xdp,
        // r0 = 2; exit is accepted; a lone exit reads r0 uninitialised.
        Program = accepted ? [Instruction.FromRaw(0x00000002000000b7), Instruction.FromRaw(0x0000000000000095)] : [Instruction.FromRaw(0x0000000000000095)],
        Options = new VerifierOptions { ProgramType = ProgramType.Xdp, Privileged = true },
    };

    private static AgreementReport Run(AgreementCase c, ReferenceVerdict kernel, params string[] list) =>
        AgreementReport.Run([c], _ => kernel, Disagreements.Parse(list));

    [Fact]
    public void Agreement_needs_no_listing()
    {
        Assert.Empty(Run(Case("a", true), new(true)).Problems);
        Assert.Empty(Run(Case("a", false), new(false, "R0 !read_ok", 0)).Problems);
    }

    [Fact]
    public void An_unlisted_disagreement_is_a_problem_either_way()
    {
        Assert.Contains("not listed as we-reject", Assert.Single(Run(Case("a", false), new(true)).Problems), StringComparison.Ordinal);
        Assert.Contains("not listed as we-accept", Assert.Single(Run(Case("a", true), new(false, "R0 !read_ok")).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_listed_we_accept_must_be_for_its_non_safety_reason()
    {
        const string line = "a: we-accept (complexity) the kernel walks the loop";
        Assert.Empty(Run(Case("a", true), new(false, "BPF program is too large. Processed 1000001 insn"), line).Problems);
        Assert.Contains("a safety disagreement", Assert.Single(Run(Case("a", true), new(false, "R2 offset is outside of the packet"), line).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_listing_that_no_longer_disagrees_is_stale()
    {
        var problems = Run(Case("a", true), new(true), "a: we-reject (not-modelled) x").Problems;
        Assert.Contains("remove the line", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void We_accept_with_a_safety_category_does_not_parse()
    {
        var e = Assert.Throws<FormatException>(() => Disagreements.Parse(["a: we-accept (precision) we know better"]));
        Assert.Contains("not about safety", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Disagreements.Parse(["a we-reject why"]));
    }

    [Fact]
    public void The_checked_in_list_parses()
    {
        var list = Disagreements.Load(Path.Combine(TestPaths.Data, "verifier", "agreement-disagreements.txt"));
        Assert.NotEmpty(list.Entries);
        Assert.All(list.Entries.Values, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
    }

    [Fact]
    public void Memory_convention_prolog_proves_the_size_and_sets_r2()
    {
        var body = new[] { Instruction.FromRaw(0x0000000000001071), Instruction.FromRaw(0x0000000000000095) }; // r0 = *(u8 *)(r1 + 0)
        Assert.True(Verifier.Verify(MemoryConvention.AsXdp(body, 1), new VerifierOptions { ProgramType = ProgramType.Xdp }).Accepted);
        Assert.False(Verifier.Verify(MemoryConvention.AsXdp(body, 0), new VerifierOptions { ProgramType = ProgramType.Xdp }).Accepted);
    }
}
