using SharpBpf.Trace.Debug;
using SharpBpf.Trace.Syntax;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>The lexer and parser: the tree of small scripts as -d prints it, spans, precedence.</summary>
public sealed class ParserTests
{
    [Fact]
    public void Probe_with_predicate_and_map_assignment()
    {
        var ast = Parser.Parse("tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { @[str(args->filename)] = count(); }");
        Assert.Equal(
            "Program\n" +
            " tracepoint:syscalls:sys_enter_openat\n" +
            "  pred\n" +
            "   ==\n" +
            "    builtin: comm\n" +
            "    string: cat\n" +
            "  =\n" +
            "   map: @\n" +
            "    call: str\n" +
            "     ->\n" +
            "      builtin: args\n" +
            "      filename\n" +
            "   call: count\n",
            AstPrinter.Print(ast));
    }

    [Fact]
    public void Precedence_is_cs()
    {
        var ast = Parser.Parse("BEGIN { $x = 1 + 2 * 3 << 1 == 14 && !0 || 0 ? 5 : 6; }");
        Assert.Equal(
            "Program\n BEGIN\n  =\n   variable: $x\n   ?:\n    ||\n     &&\n      ==\n       <<\n        +\n         int: 1\n         *\n          int: 2\n          int: 3\n        int: 1\n       int: 14\n      !\n       int: 0\n     int: 0\n    int: 5\n    int: 6\n",
            AstPrinter.Print(ast));
    }

    [Fact]
    public void Several_attach_points_wildcards_and_shorthands()
    {
        var ast = Parser.Parse("t:syscalls:sys_enter_* , uprobe:/bin/bash:readline,interval:s:1 { exit() }");
        var aps = ast.Probes[0].AttachPoints;
        Assert.Equal(3, aps.Count);
        Assert.Equal("tracepoint", aps[0].Provider);
        Assert.Equal(["syscalls", "sys_enter_*"], aps[0].Parts);
        Assert.Equal(["/bin/bash", "readline"], aps[1].Parts);
        Assert.Equal(["s", "1"], aps[2].Parts);
    }

    [Fact]
    public void Casts_tuples_fields_and_control_flow()
    {
        var ast = Parser.Parse("BEGIN { $t = (1, \"a\"); if ($t.0 > 0) { @ = (uint8)300; } else if (1) { unroll(2) { @++; } } while ($i < 3) { $i++; break; } @p = curtask->parent->pid; }");
        string text = AstPrinter.Print(ast);
        Assert.Contains("tuple:", text, StringComparison.Ordinal);
        Assert.Contains("(uint8)", text, StringComparison.Ordinal);
        Assert.Contains("unroll", text, StringComparison.Ordinal);
        Assert.Contains("while(", text, StringComparison.Ordinal);
        Assert.Contains("++ (post)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Spans_start_after_the_last_blank_as_bpftraces_lexer()
    {
        var ast = Parser.Parse("BEGIN {\n  @x = count(1, 2);\n}");
        var assign = (Assignment)ast.Probes[0].Body[0];
        var span = assign.Value.Span;
        Assert.Equal((2, 8, 19), (span.Line, span.Column, span.EndColumn));
    }

    [Fact]
    public void Comments_are_skipped()
    {
        var ast = Parser.Parse("// a comment\nBEGIN /* inline */ { exit(); } // trailing");
        Assert.Single(ast.Probes);
    }
}
