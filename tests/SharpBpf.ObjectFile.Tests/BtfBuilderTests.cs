using System.Diagnostics;
using System.Text;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Text;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

public sealed class BtfBuilderTests
{
    private static string Raw(BtfSpec btf)
    {
        var ms = new MemoryStream();
        using (var o = new Utf8Output(ms))
            BtfRawDumper.Dump(btf, o);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static (BtfSpec Base, BtfSpec Split) BaseAndSplit()
    {
        var b = new BtfBuilder();
        var i32 = b.Int("int", 4, 32, encoding: 1);
        var u8 = b.Int("unsigned char", 1, 8);
        var foo = b.Composite(BtfKind.Struct, "foo", 8, ("a", i32, 0, 0), ("flags", u8, 32, 3), ("rest", u8, 35, 5));
        b.Ref(BtfKind.Ptr, foo);
        b.Enum("colour", 4, false, ("RED", 0), ("GREEN", 1));
        var baseSpec = b.Build();

        var s = new BtfBuilder(baseSpec);
        var fooPtr = s.Ref(BtfKind.Ptr, foo);
        var bar = s.Composite(BtfKind.Struct, "bar", 16, ("foo", fooPtr, 0, 0), ("x", i32, 64, 0));
        var big = s.Enum("big", 8, true, ("MINUS_ONE", -1), ("HUGE", 1L << 40));
        var proto = s.FuncProto(i32, ("b", s.Ref(BtfKind.Ptr, bar)), ("c", big));
        s.Func("use_bar", proto, BtfLinkage.Global);
        s.Ref(BtfKind.Typedef, bar, "bar_t");
        s.Float("double", 8);
        var v = s.Var("a_colour", i32, BtfLinkage.Global);
        s.Datasec(".data", 4, new BtfVarSecInfo(v, 0, 4));
        s.DeclTag("kfunc", proto, -1);
        s.Ref(BtfKind.TypeTag, i32, "user");
        return (baseSpec, s.Build());
    }

    [Fact]
    public void Split_btf_continues_the_base_ids_and_strings()
    {
        var (baseSpec, split) = BaseAndSplit();
        Assert.Equal(6u, split.FirstId);
        Assert.Equal("foo", split.GetType(3).Name);          // a base type, seen through the split
        Assert.Equal("bar", split.GetType(7).Name);
        Assert.Equal(3u, split.GetType(6).Type.Value);      // split PTR to base struct foo
        Assert.Equal(-1, split.GetType(8).EnumValue(0).Value);
        Assert.Equal(1L << 40, split.GetType(8).EnumValue(1).Value);
        // "int" is reused from the base's strings, not added again.
        Assert.Equal(split.FindString("bar"), split.GetType(7).NameOffset);
        Assert.True(split.GetType(7).NameOffset >= baseSpec.StringsLength);
        Assert.DoesNotContain("[1]", Raw(split), StringComparison.Ordinal);
        Assert.StartsWith("[6] PTR '(anon)' type_id=3\n[7] STRUCT 'bar' size=16 vlen=2\n", Raw(split), StringComparison.Ordinal);
    }

    [Fact]
    public void Split_btf_dumps_as_bpftool_dumps_it()
    {
        var bpftool = new[] { "/usr/sbin/bpftool", "/usr/bin/bpftool" }.FirstOrDefault(File.Exists);
        if (bpftool is null)
            Assert.Skip("bpftool is not installed (./test.sh installs it); split BTF is not compared with it");
        var (baseSpec, split) = BaseAndSplit();
        var dir = Directory.CreateTempSubdirectory("sharpbpf-split-");
        try
        {
            var basePath = Path.Combine(dir.FullName, "base.btf");
            var splitPath = Path.Combine(dir.FullName, "split.btf");
            File.WriteAllBytes(basePath, baseSpec.Bytes.ToArray());
            File.WriteAllBytes(splitPath, split.Bytes.ToArray());
            Assert.Equal(Run(bpftool, "btf", "dump", "file", basePath), Raw(BtfSpec.Load(basePath)));
            Assert.Equal(Run(bpftool, "-B", basePath, "btf", "dump", "file", splitPath), Raw(BtfSpec.Load(splitPath, BtfSpec.Load(basePath))));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Vmlinux_copied_type_by_type_dumps_identically()
    {
        const string vmlinux = "/sys/kernel/btf/vmlinux";
        if (!File.Exists(vmlinux))
            Assert.Skip($"{vmlinux} is absent: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF)");
        var original = BtfSpec.Load(vmlinux);
        var b = new BtfBuilder();
        for (uint id = 1; id < (uint)original.TypeCount; id++)
            b.Copy(original.GetType(id));
        var copy = b.Build();
        Assert.Equal(original.TypeCount, copy.TypeCount);
        Assert.True(Raw(original) == Raw(copy), "raw dumps of vmlinux and its copy differ");
    }

    private static string Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} {string.Join(' ', args)}: {error.Result}");
        return output.Result;
    }
}
