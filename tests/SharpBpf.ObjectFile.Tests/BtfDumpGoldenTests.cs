using System.Text;
using System.Text.RegularExpressions;
using SharpBpf.Core.Diagnostics;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Text;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

/// <summary>
/// Golden tests of <c>btf dump ... format c|raw</c> against bpftool 7.1: the fixtures in
/// tests/data/btf (clang-built X.o, hand-made raw X.btf, with X.c.txt and X.raw.txt as bpftool
/// printed them, all written by its rebuild.sh), compared byte for byte, so they run without
/// bpftool. A fixture with X.c.err is one bpftool refuses to finish (a type cycle C cannot
/// express): the dump must stop with an error naming the same type, after the same partial output.
/// The objects of tests/data/objects carry bpftool's C dump too (X.btf.c.txt) and are checked the same way.
/// </summary>
public sealed partial class BtfDumpGoldenTests
{
    private static string Dir => Path.Combine(TestPaths.Data, "btf");

    /// <summary>Every fixture name: each X with an X.c.txt.</summary>
    public static TheoryData<string> Fixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in FixtureNames())
                data.Add(name);
            return data;
        }
    }

    private static List<string> FixtureNames() =>
        Directory.EnumerateFiles(Dir, "*.c.txt").Select(f => Path.GetFileName(f)[..^".c.txt".Length])
            .Order(StringComparer.Ordinal).ToList();

    private static string InputOf(string name)
    {
        var o = Path.Combine(Dir, name + ".o");
        return File.Exists(o) ? o : Path.Combine(Dir, name + ".btf");
    }

    private static BtfSpec Load(string name)
    {
        var basePath = Path.Combine(Dir, name + ".base");
        BtfSpec? baseSpec = File.Exists(basePath) ? BtfSpec.Load(Path.Combine(Dir, File.ReadAllText(basePath).Trim())) : null;
        return BtfFileLoader.Load(InputOf(name), baseSpec);
    }

    [Fact]
    public void Every_source_and_raw_btf_has_its_expected_dumps()
    {
        Assert.True(File.Exists(Path.Combine(Dir, "rebuild.sh")), "tests/data/btf/rebuild.sh is missing");
        var inputs = new List<string>();
        foreach (var c in Directory.EnumerateFiles(Dir, "*.c"))
        {
            var name = Path.GetFileNameWithoutExtension(c);
            // dups_a.c and dups_b.c are linked into dups.o.
            inputs.Add(name.StartsWith("dups_", StringComparison.Ordinal) ? "dups" : name);
        }
        inputs.AddRange(Directory.EnumerateFiles(Dir, "*.btf").Select(f => Path.GetFileNameWithoutExtension(f)));
        var expected = inputs.Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count >= 6, $"expected at least 6 BTF fixtures in {Dir}, found {expected.Count}");
        foreach (var name in expected)
        {
            Assert.True(File.Exists(InputOf(name)), $"{name} has no {name}.o or {name}.btf; run tests/data/btf/rebuild.sh");
            foreach (var ext in new[] { ".c.txt", ".raw.txt" })
                Assert.True(File.Exists(Path.Combine(Dir, name + ext)), $"{name} has no {name}{ext}; run tests/data/btf/rebuild.sh");
        }
        Assert.Equal(expected, FixtureNames());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void C_dump_is_bpftools(string name)
    {
        var btf = Load(name);
        var expected = File.ReadAllBytes(Path.Combine(Dir, name + ".c.txt"));
        var errPath = Path.Combine(Dir, name + ".c.err");
        var (output, error) = DumpC(btf);
        if (File.Exists(errPath))
        {
            // "libbpf: unsatisfiable type cycle, id:[3]"
            var id = TypeIdInMessage().Match(File.ReadAllText(errPath));
            Assert.True(id.Success, $"{name}.c.err names no type id");
            Assert.NotNull(error);
            Assert.Contains($"type [{id.Groups[1].Value}]", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(error);
        }
        AssertSameText(name + ".c.txt", expected, output);
    }

    /// <summary>The objects of tests/data/objects, whose rebuild.sh keeps bpftool's C dump beside them.</summary>
    public static TheoryData<string> ObjectFixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var f in Directory.EnumerateFiles(Path.Combine(TestPaths.Data, "objects"), "*.btf.c.txt").Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(f)[..^".btf.c.txt".Length]);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ObjectFixtures))]
    public void C_dump_of_object_fixture_is_bpftools(string name)
    {
        var dir = Path.Combine(TestPaths.Data, "objects");
        var (output, error) = DumpC(BtfFileLoader.Load(Path.Combine(dir, name + ".o")));
        Assert.Null(error);
        AssertSameText(name + ".btf.c.txt", File.ReadAllBytes(Path.Combine(dir, name + ".btf.c.txt")), output);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Raw_dump_is_bpftools(string name)
    {
        var btf = Load(name);
        var ms = new MemoryStream();
        using (var o = new Utf8Output(ms))
            BtfRawDumper.Dump(btf, o);
        AssertSameText(name + ".raw.txt", File.ReadAllBytes(Path.Combine(Dir, name + ".raw.txt")), ms.ToArray());
    }

    /// <summary>The C dump as bytes, and the error that stopped it, if any (what was written stays).</summary>
    internal static (byte[] Output, BpfFormatException? Error) DumpC(BtfSpec btf)
    {
        var ms = new MemoryStream();
        BpfFormatException? error = null;
        using (var o = new Utf8Output(ms))
        {
            try
            {
                BtfCDumper.Dump(btf, o);
            }
            catch (BpfFormatException e)
            {
                error = e;
            }
        }
        return (ms.ToArray(), error);
    }

    /// <summary>Byte equality, reported as the first differing line.</summary>
    internal static void AssertSameText(string what, byte[] expected, byte[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual))
            return;
        var e = Encoding.UTF8.GetString(expected).Split('\n');
        var a = Encoding.UTF8.GetString(actual).Split('\n');
        int i = 0;
        while (i < Math.Min(e.Length, a.Length) && e[i] == a[i])
            i++;
        Assert.Fail($"{what} differs at line {i + 1} ({expected.Length} bytes expected, {actual.Length} written):\n" +
            $"  expected: {(i < e.Length ? e[i] : "(end)")}\n  actual:   {(i < a.Length ? a[i] : "(end)")}");
    }

    [GeneratedRegex(@"id:\[(\d+)\]")]
    private static partial Regex TypeIdInMessage();
}
