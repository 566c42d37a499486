using System.Text;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Printing;
using SharpBpf.ObjectFile.Text;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

public sealed class PrinterTests
{
    [Theory]
    [MemberData(nameof(Fixtures.Objects), MemberType = typeof(Fixtures))]
    public void Obj_show_matches_its_golden_text(string name)
    {
        var view = ObjectFileView.Load(Fixtures.Path(name + ".o"));
        var sw = new StringWriter { NewLine = "\n" };
        ObjectShowPrinter.Text(view, sw);
        Fixtures.AssertGolden(name + ".show.txt", sw.ToString());
    }

    [Theory]
    [MemberData(nameof(Fixtures.Objects), MemberType = typeof(Fixtures))]
    public void Obj_dump_with_source_matches_its_golden_text(string name)
    {
        var view = ObjectFileView.Load(Fixtures.Path(name + ".o"));
        var sw = new StringWriter { NewLine = "\n" };
        ObjectDumpPrinter.Dump(view, sw, null, source: true);
        Fixtures.AssertGolden(name + ".dump.txt", sw.ToString());
    }

    /// <summary>
    /// The instruction text of obj dump is llvm-objdump -d's (X.objdump.txt, written by rebuild.sh),
    /// except where LLVM 14's text is ambiguous: a local call prints as the helper call "call N".
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures.Objects), MemberType = typeof(Fixtures))]
    public void Obj_dump_instructions_are_llvm_objdumps(string name)
    {
        var view = ObjectFileView.Load(Fixtures.Path(name + ".o"));
        var sw = new StringWriter { NewLine = "\n" };
        ObjectDumpPrinter.Dump(view, sw, null, source: false);
        var ours = InstructionLines(sw.ToString());
        var theirs = InstructionLines(File.ReadAllText(Fixtures.Path(name + ".objdump.txt")));
        Assert.Equal(theirs.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            if (ours[i] == theirs[i])
                continue;
            // llvm-objdump 14 prints a bpf-to-bpf call (src 1) like a helper call; ours is "call pc+N".
            var local = System.Text.RegularExpressions.Regex.Match(ours[i], @"^(\s+\d+:\t85 10 [0-9a-f ]+)\tcall pc([+-]\d+)$");
            Assert.True(local.Success && theirs[i] == $"{local.Groups[1].Value}\tcall {int.Parse(local.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)}",
                $"{name}: line {i}\n  llvm-objdump: {theirs[i]}\n  sharpbpf:     {ours[i]}");
        }
    }

    private static List<string> InstructionLines(string text) =>
        text.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+:\t"))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"( <[^>]+>)?(  # .*)?$", "")).ToList();

    [Theory]
    [MemberData(nameof(Fixtures.Objects), MemberType = typeof(Fixtures))]
    public void Raw_btf_dump_is_bpftools(string name)
    {
        var btf = BtfFileLoader.Load(Fixtures.Path(name + ".o"));
        var ms = new MemoryStream();
        using (var o = new Utf8Output(ms))
            BtfRawDumper.Dump(btf, o);
        Assert.Equal(File.ReadAllText(Fixtures.Path(name + ".btf.raw.txt")), Encoding.UTF8.GetString(ms.ToArray()));
    }
}
