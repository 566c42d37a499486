using CsCheck;
using SharpBpf.Trace.Semantics;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>Any text, however broken, either compiles or fails with bpftrace-style diagnostics: never another exception.</summary>
public sealed class CompilerPropertyTests
{
    private static readonly string[] Fragments =
    [
        "BEGIN", "END", "tracepoint:syscalls:sys_enter_openat", "interval:ms:10", " ", "\n", "{", "}", "(", ")", "[", "]", ";", ",",
        "/", "*", "+", "-", "==", "!=", "<", ">", "&&", "||", "!", "?", ":", "=", "+=", "++", "->", ".",
        "@", "@x", "@y[1]", "$a", "$1", "$#", "1", "0x10", "-5", "\"s\"", "\"%d\\n\"", "pid", "comm", "args", "args->filename",
        "curtask", "printf(", "count()", "hist(", "lhist(", "str(", "exit()", "if", "else", "while", "unroll(2)", "(uint8)",
        "(struct task_struct *)", "delete(@x[1])", "clear(@x)", "print(@x)", "strncmp(", "(1, \"a\")", ".0", "\"",
    ];

    [Theory]
    [InlineData("<.0{args->filename}")]   // found by the property below: a probe of no known type using args
    [InlineData("<{retval}")]
    [InlineData("<{func}")]
    public void Builtins_in_a_probe_of_no_known_type_are_diagnostics(string source)
    {
        var e = Assert.Throws<TraceCompileException>(() => TraceCompiler.Compile(source, TraceTestKit.Fake("7")));
        Assert.NotEmpty(e.Diagnostics);
    }

    [Fact]
    public void Random_scripts_fail_only_with_diagnostics()
    {
        Gen.Int[0, Fragments.Length - 1].Array[1, 40]
            .Select(ix => string.Concat(ix.Select(i => Fragments[i])))
            .Sample(source =>
            {
                try
                {
                    TraceCompiler.Compile(source, TraceTestKit.Fake("7"));
                }
                catch (TraceCompileException e)
                {
                    Assert.NotEmpty(e.Diagnostics);
                    Assert.NotEmpty(TraceErrorFormatter.Format(e.Diagnostics, source));
                }
            }, iter: 3000);
    }

    [Fact]
    public void Well_formed_scripts_compile()
    {
        string[] values = ["pid", "1", "$1", "cpu", "nsecs / 1000", "(uint8)tid", "@v[1]", "rand % 7"];
        var value = Gen.Int[0, values.Length - 1].Select(i => values[i]);
        var statement = Gen.OneOf(
            value.Select(v => $"@v[1] = {v};"),
            value.Select(v => $"@c[{v}] = count();"),
            value.Select(v => $"@h = hist({v});"),
            value.Select(v => $"printf(\"%d\\n\", {v});"),
            value.Select(v => $"if ({v} > 3) {{ @s = sum({v}); }} else {{ @m = max({v}); }}"));
        statement.Array[1, 6].Sample(body =>
        {
            string source = "BEGIN { @v[1] = 0; } interval:ms:100 { " + string.Join(" ", body) + " }";
            var script = TraceCompiler.Compile(source, TraceTestKit.Fake("7"));
            Assert.NotEmpty(script.Programs);
        }, iter: 300);
    }
}
