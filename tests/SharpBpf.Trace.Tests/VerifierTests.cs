using SharpBpf.Core;
using SharpBpf.Trace.CodeGen;
using SharpBpf.Verifier;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>Every program the compiler generates for a corpus of scripts passes SharpBpf's verifier (no kernel needed).</summary>
public sealed class VerifierTests
{
    public static TheoryData<string> Corpus() =>
    [
        "BEGIN { printf(\"hello\\n\"); exit(); }",
        "BEGIN { printf(\"%d %s\\n\", 1 + 2 * 3, \"x\"); @h = hist(5); @l = lhist(7, 0, 10, 2); exit(); }",
        "tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { @[str(args->filename)] = count(); }",
        "tracepoint:syscalls:sys_enter_openat { @f[comm, pid] = sum(args->flags); @m = max(args->mode); @n = min(args->dfd); @a = avg(3); @s = stats(tid); }",
        "BEGIN { $i = 0; while ($i < 10) { $i++; if ($i == 5) { break; } } @ = $i; unroll(3) { @u++; } @t = $i > 3 ? \"big\" : \"small\"; }",
        "BEGIN { @x[1, \"a\"] = 5; delete(@x[1, \"a\"]); clear(@x); zero(@x); print(@x); @s = strncmp(\"abc\", \"abd\", 2); time(); }",
        "BEGIN { @ = (uint8)300 + (int16)-1; @r = rand; @c = cpu; @e = elapsed; @n = nsecs; @g = gid; @u = uid; @cg = cgroup; }",
        "BEGIN { $a = \"one\"; $b = $a; if ($a != \"two\") { printf(\"%s %s\\n\", $a, $b); } }",
        "BEGIN { @t = (1, \"two\", 3); print(@t); $v = @t; printf(\"%d\\n\", $v.0); }",
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Generated_programs_pass_our_verifier(string source)
    {
        var script = TraceCompiler.Compile(source, TraceTestKit.Fake());
        var maps = new List<MapDefinition>();
        for (int i = 0; i < script.Plan.Maps.Count; i++)
        {
            var m = script.Plan.Maps[i];
            maps.Add(new MapDefinition { Name = m.Name, Type = m.Type, KeySize = m.KeySize, ValueSize = m.ValueSize, MaxEntries = m.MaxEntries, Fd = 100 + i });
        }
        foreach (var (code, targets) in script.Programs)
        {
            var insns = code.Relocate(r => r.Kind == RelocationKind.Map ? 100 + r.Index : 12345);
            var result = Verifier.Verifier.Verify(insns, new VerifierOptions { ProgramType = code.ProgramType, Maps = maps, Privileged = true });
            Assert.True(result.Accepted, $"{targets[0].FullName}: {(result.Accepted ? "" : result.Errors[0].Explain())}");
        }
    }

    [Fact]
    public void Every_pc_knows_its_script_line_for_verifier_messages()
    {
        var script = TraceCompiler.Compile("BEGIN {\n  @x = 1;\n  printf(\"%d\\n\", @x);\n}", TraceTestKit.Fake());
        var code = script.Programs[0].Code;
        Assert.Contains("2: @x = 1;", code.SourceLines.Values);
        Assert.Contains("3: printf(\"%d\\n\", @x);", code.SourceLines.Values);
        Assert.Equal("3: printf(\"%d\\n\", @x);", code.SourceLines[code.Instructions.Length - 3]);
    }
}
