using SharpBpf.Trace.Debug;
using SharpBpf.Trace.Semantics;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>Semantic analysis: the types it gives, map key/value types, probe kinds, and the errors it reports.</summary>
public sealed class SemanticTests
{
    private static CompiledScript Compile(string source, params string[] args) => TraceCompiler.Compile(source, TraceTestKit.Fake(args));

    [Fact]
    public void Typed_tree_of_a_tracepoint_one_liner()
    {
        var script = Compile("tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { @[str(args->filename)] = count(); }");
        Assert.Equal(
            "Program\n" +
            " tracepoint:syscalls:sys_enter_openat\n" +
            "  pred\n" +
            "   == :: [unsigned int64]\n" +
            "    builtin: comm :: [string[16]]\n" +
            "    string: cat :: [string[4]]\n" +
            "  =\n" +
            "   map: @ :: [count]\n" +
            "    call: str :: [string[64]]\n" +
            "     -> :: [unsigned int8 *]\n" +
            "      builtin: args :: [void *]\n" +
            "      filename\n" +
            "   call: count :: [count]\n",
            AstPrinter.Print(script.Ast));
    }

    [Fact]
    public void Map_types_come_from_any_probe()
    {
        // @x is read in BEGIN before the END probe assigns it: the second pass knows its type.
        var script = Compile("BEGIN { printf(\"%d\\n\", @x); } END { @x = 5; @s[\"a\", 1] = sum(2); @h = hist(3); @l = lhist(1, 0, 10, 1); }");
        var maps = script.Semantics.Maps;
        Assert.Equal(["@h", "@l", "@s", "@x"], maps.Select(m => m.Name));
        Assert.Equal(TypeKind.Integer, maps[3].Value.Kind);
        Assert.Equal(["string[2]", "int64"], maps[2].KeyTypes.Select(t => t.ToString()));
        Assert.Equal((0L, 10L, 1L), maps[1].Value.LhistBounds);
        Assert.Equal(3, script.Plan.Maps.Count(m => m.Type == Core.MapType.PercpuHash));
    }

    [Fact]
    public void Positional_parameters_are_numbers_or_strings()
    {
        var script = Compile("BEGIN { @a = $1; @b = $2; @c = $#; }", "7", "seven");
        var maps = script.Semantics.Maps;
        Assert.Equal(TypeKind.Integer, maps[0].Value.Kind);
        Assert.Equal(TypeKind.String, maps[1].Value.Kind);
    }

    [Fact]
    public void A_probe_per_attach_point_only_when_the_code_differs()
    {
        var one = Compile("tracepoint:syscalls:sys_enter_openat, tracepoint:sched:sched_switch { @ = count(); }");
        Assert.Single(one.Programs);
        Assert.Equal(2, one.Programs[0].Targets.Count);
        var two = Compile("tracepoint:syscalls:sys_enter_openat, tracepoint:sched:sched_switch { @[probe] = count(); }");
        Assert.Equal(2, two.Programs.Count);
    }

    [Theory]
    [InlineData("BEGIN { @x = 1; @x = count(); }", "Type mismatch for @x")]
    [InlineData("BEGIN { $x = \"a\" + 1; }", "Type mismatch for '+': comparing 'string[2]' with 'int64'")]
    [InlineData("BEGIN { @ = lhist(1, 0, 10); }", "lhist() requires 4 arguments (3 provided)")]
    [InlineData("BEGIN { @ = retval; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes (special used here)")]
    [InlineData("BEGIN { @ = arg0; }", "The arg0 builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes (special used here)")]
    [InlineData("BEGIN { break; }", "break statement is not allowed outside of a loop")]
    [InlineData("BEGIN { unroll(101) { } }", "unroll maximum value is 100")]
    [InlineData("BEGIN { printf(\"%d\\n\", \"s\"); }", "printf: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { printf(\"%d\\n\", 1, 2); }", "printf: Too many arguments for format string (2 supplied, 1 expected)")]
    [InlineData("tracepoint:syscalls:sys_enter_openat { @ = args->nope; }", "Struct/union of type 'struct _tracepoint_syscalls_sys_enter_openat' does not contain a field named 'nope'")]
    [InlineData("kfunc:vfs_read { }", "kfunc probes are not supported by SharpBpf on this kernel")]
    [InlineData("BEGIN { system(\"ls\"); }", "system() is an unsafe function being used in safe mode")]
    [InlineData("BEGIN { signal(\"SIGNOPE\"); }", "SIGNOPE is not a valid signal")]
    public void Errors(string source, string message)
    {
        var e = Assert.Throws<TraceCompileException>(() => Compile(source));
        Assert.Contains(e.Diagnostics, d => d.Message.StartsWith(message, StringComparison.Ordinal));
    }
}
