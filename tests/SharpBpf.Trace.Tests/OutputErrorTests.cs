using SharpBpf.Trace.Output;
using SharpBpf.Trace.Syntax;
using Xunit;
using static SharpBpf.Trace.Tests.OutputTestKit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Error rendering against bpftrace 0.17's stderr for the scripts in tests/data/trace/errors: NAME.e.txt
/// from <c>-e "$(cat NAME.bt)"</c> (file name <c>stdin</c>), NAME.file.txt from <c>bpftrace NAME.bt</c>.
/// The spans are the ones bpftrace reported; the compiler's passes are tested for producing them.
/// </summary>
public sealed class OutputErrorTests
{
    public static TheoryData<string, int, int, int, int, string> Cases => new()
    {
        { "syntax", 1, 20, 1, 21, "syntax error, unexpected }, expecting ) or \",\"" },
        { "unknown-func", 1, 9, 1, 12, "Unknown function: foo" },
        { "undefined-var", 1, 9, 1, 17, "Undefined or undeclared variable: $x" },
        { "lhist-min", 1, 13, 1, 32, "lhist() min must be non-negative (provided min -1)" },
        { "printf-args", 1, 9, 1, 29, "printf: Not enough arguments for format string (1 supplied, 2 expected)\n" },
        { "multiline", 3, 8, 3, 19, "count() requires no arguments (2 provided)" },
        { "type-mismatch", 1, 17, 1, 19, "Type mismatch for @x: trying to assign value of type 'string[2]' when map already contains a value of type 'int64" },
        { "multispan", 1, 9, 2, 7, "printf: %d specifier expects a value of type integer (string supplied)" },
        { "tab", 1, 9, 1, 12, "Unknown function: foo" },
        { "missing-tp", 1, 1, 1, 24, "tracepoint not found: nosuch:thing" },
        { "str-cmp", 1, 12, 1, 21, "Type mismatch for '==': comparing 'string[2]' with 'int64'" },
        { "end-of-file", 1, 9, 1, 9, "syntax error, unexpected end of file, expecting }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Errors_render_as_bpftrace_for_e_and_files(string name, int line, int column, int endLine, int endColumn, string message)
    {
        var source = Capture("errors", name + ".bt");
        Assert.Equal(Capture("errors", name + ".e.txt"), ErrorFormatter.Format(ErrorFormatter.Stdin, source, line, column, endLine, endColumn, message));
        Assert.Equal(Capture("errors", name + ".file.txt"), ErrorFormatter.Format(name + ".bt", source, line, column, endLine, endColumn, message));
    }

    [Fact]
    public void Two_errors_print_one_after_the_other()
    {
        var source = Capture("errors", "unterminated.bt");
        var text = ErrorFormatter.Format("stdin", source, 1, 9, 1, 21, "unterminated string")
            + ErrorFormatter.Format("stdin", source, 2, 1, 2, 1, "syntax error, unexpected end of file");
        Assert.Equal(Capture("errors", "unterminated.e.txt"), text);
    }

    [Fact]
    public void Source_spans_over_two_lines_print_the_line_range()
    {
        const string source = "BEGIN { printf(\"%d\\n\",\n  \"a\"); }";
        int start = source.IndexOf("printf", StringComparison.Ordinal);
        int end = source.IndexOf(')', StringComparison.Ordinal) + 1;
        var span = new SourceSpan(start, end, 1, start + 1, 7);
        Assert.Equal("stdin:1-2: ERROR: printf: %d specifier expects a value of type integer (string supplied)\n",
            ErrorFormatter.Format("stdin", source, span, "printf: %d specifier expects a value of type integer (string supplied)"));
        var one = new SourceSpan(8, 11, 1, 9, 12);
        Assert.Equal("stdin:1:9-12: ERROR: Unknown function: foo\nBEGIN { foo(); }\n        ~~~\n",
            ErrorFormatter.Format("stdin", "BEGIN { foo(); }", one, "Unknown function: foo"));
        Assert.Equal("ERROR: kfunc/kretfunc not available for your kernel version.\n", ErrorFormatter.Format("kfunc/kretfunc not available for your kernel version."));
        Assert.Equal("stdin:1:1-2: WARNING: w\nx\n~\n", ErrorFormatter.Format("stdin", "x", 1, 1, 1, 2, "w", "WARNING"));
    }
}
