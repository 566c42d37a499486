using SharpBpf.Trace.Semantics;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Error messages against bpftrace 0.17's own (tests/data/trace/errors: NAME.bt, its -e output
/// NAME.e.txt and its output as a file NAME.file.txt, captured from the real bpftrace).
/// </summary>
public sealed class ErrorGoldenTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TraceTestKit.ErrorsDir, "*.bt").Order(StringComparer.Ordinal))
        {
            // A golden for a message bpftrace prints from its attach stage (not a diagnostic) is not ours to match.
            if (File.Exists(Path.ChangeExtension(f, ".e.txt")) && !File.ReadAllText(Path.ChangeExtension(f, ".e.txt")).StartsWith("FATAL", StringComparison.Ordinal))
                data.Add(Path.GetFileNameWithoutExtension(f));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Stdin_form_matches_bpftrace(string name)
    {
        string source = File.ReadAllText(Path.Combine(TraceTestKit.ErrorsDir, name + ".bt"));
        string expected = File.ReadAllText(Path.Combine(TraceTestKit.ErrorsDir, name + ".e.txt"));
        Assert.Equal(expected, Errors(source, "stdin"));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void File_form_matches_bpftrace(string name)
    {
        string source = File.ReadAllText(Path.Combine(TraceTestKit.ErrorsDir, name + ".bt"));
        string expected = File.ReadAllText(Path.Combine(TraceTestKit.ErrorsDir, name + ".file.txt"));
        Assert.Equal(expected, Errors(source, name + ".bt"));
    }

    [Theory]
    [InlineData("BEGIN { @x = 1 +; }", "stdin:1:16-18: ERROR: syntax error, unexpected ;\nBEGIN { @x = 1 +; }\n               ~~\n")]
    [InlineData("BEGIN { @x = ; }", "stdin:1:14-15: ERROR: syntax error, unexpected ;\nBEGIN { @x = ; }\n             ~\n")]
    [InlineData("BEGIN { if 1 { } }", "stdin:1:12-13: ERROR: syntax error, unexpected integer, expecting (\nBEGIN { if 1 { } }\n           ~\n")]
    [InlineData("BEGIN { @x = $y; }", "stdin:1:14-16: ERROR: Undefined or undeclared variable: $y\nBEGIN { @x = $y; }\n             ~~\n")]
    [InlineData("BEGIN { $x = 1; $x = \"a\"; }", "stdin:1:20-21: ERROR: Type mismatch for $x: trying to assign value of type 'string[2]' when variable already contains a value of type 'int64'\nBEGIN { $x = 1; $x = \"a\"; }\n                   ~\n")]
    [InlineData("BEGIN { @x = count(1); }", "stdin:1:14-22: ERROR: count() requires no arguments (1 provided)\nBEGIN { @x = count(1); }\n             ~~~~~~~~\n")]
    [InlineData("BEGIN { @ = args->x; }", "stdin:1:13-17: ERROR: The args builtin can only be used with tracepoint/kfunc/uprobeprobes (special used here)\nBEGIN { @ = args->x; }\n            ~~~~\n")]
    [InlineData("BEGIN { @x[1] = 1; @x = 2; }", "stdin:1:20-22: ERROR: Argument mismatch for @x: trying to access with arguments: [] when map expects arguments: [unsigned int64]\nBEGIN { @x[1] = 1; @x = 2; }\n                   ~~\n")]
    [InlineData("BEGIN { $x = \"a\" + 1; }", "stdin:1:14-21: ERROR: Type mismatch for '+': comparing 'string[2]' with 'int64'\nBEGIN { $x = \"a\" + 1; }\n             ~~~~~~~\n")]
    [InlineData("BEGIN { $x = \"a\" < \"b\"; }", "stdin:1:18-19: ERROR: The < operator can not be used on expressions of types string[2], string[2]\nBEGIN { $x = \"a\" < \"b\"; }\n                 ~\n")]
    [InlineData("BEGIN { @x = 1; @x = count(); }", "stdin:1:17-19: ERROR: Type mismatch for @x: trying to assign value of type 'count' when map already contains a value of type 'int64\nBEGIN { @x = 1; @x = count(); }\n                ~~\n")]
    [InlineData("BEGIN { $x = (1,2); $x = (1,\"a\"); exit(); }", "stdin:1:24-25: ERROR: Tuple type mismatch: (int64,int64) != (int64,string[2]).\nBEGIN { $x = (1,2); $x = (1,\"a\"); exit(); }\n                       ~\n")]
    [InlineData("tracepoint:syscalls:nope { }", "stdin:1:1-25: ERROR: tracepoint not found: syscalls:nope\ntracepoint:syscalls:nope { }\n~~~~~~~~~~~~~~~~~~~~~~~~\n")]
    public void Captured_from_bpftrace(string source, string expected) => Assert.Equal(expected, Errors(source, "stdin"));

    [Fact]
    public void Kprobe_is_reported_unsupported_with_its_span()
    {
        string text = Errors("kprobe:do_sys_open { @x = 1; }", "stdin");
        Assert.StartsWith("stdin:1:1-19: ERROR: kprobe probes are not supported", text, StringComparison.Ordinal);
    }

    private static string Errors(string source, string file)
    {
        var e = Assert.Throws<TraceCompileException>(() => TraceCompiler.Compile(source, TraceTestKit.Fake()));
        return TraceErrorFormatter.Format(e.Diagnostics, source, file);
    }
}
