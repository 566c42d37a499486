using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.ObjectFile.Elf;
using SharpBpf.ObjectFile.Spec;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

public sealed class WriterTests
{
    [Theory]
    [MemberData(nameof(Fixtures.Objects), MemberType = typeof(Fixtures))]
    public void Write_read_write_round_trips(string name)
    {
        var spec = CollectionLoader.Load(Fixtures.Path(name + ".o"));
        var written = CollectionWriter.Write(spec);
        var back = CollectionLoader.Parse(written, name + ".written.o");
        Assert.Equal(spec.Programs.Keys.Order(), back.Programs.Keys.Order());
        foreach (var (pname, p) in spec.Programs)
        {
            var q = back.Programs[pname];
            Assert.Equal(p.Type, q.Type);
            Assert.Equal(p.SectionName, q.SectionName);
            Assert.Equal(p.Instructions, q.Instructions);
            Assert.Equal(p.References.Select(r => (r.Instruction, r.Kind, r.Symbol, r.Offset)), q.References.Select(r => (r.Instruction, r.Kind, r.Symbol, r.Offset)));
            Assert.Equal(p.CoreRelocations.Select(c => (c.Instruction, c.Record.Kind, c.AccessString)), q.CoreRelocations.Select(c => (c.Instruction, c.Record.Kind, c.AccessString)));
            Assert.Equal(p.FuncInfos.Count, q.FuncInfos.Count);
            Assert.Equal(p.LineInfos.Count, q.LineInfos.Count);
        }
        Assert.Equal(spec.Maps.Keys.Order(), back.Maps.Keys.Order());
        foreach (var (mname, m) in spec.Maps)
        {
            var n = back.Maps[mname];
            Assert.Equal((m.Type, m.KeySize, m.ValueSize, m.MaxEntries, m.Flags, m.Pinning), (n.Type, n.KeySize, n.ValueSize, n.MaxEntries, n.Flags, n.Pinning));
            Assert.Equal(m.InitialValues, n.InitialValues);
            Assert.Equal(m.Contents, n.Contents);
        }
        Assert.Equal(spec.License, back.License);
        Assert.Equal(spec.KernelVersion, back.KernelVersion);
        // Writing what was read back gives the same bytes.
        Assert.Equal(written, CollectionWriter.Write(back));
    }

    [Fact]
    public void An_assembled_program_with_sub_programs_becomes_an_object()
    {
        var program = Assembler.Assemble("r1 = 2\ncall twice\nr0 = r1\nr0 += 1\nexit\ntwice:\nr0 = r1\nr0 += r1\nexit");
        var bytes = CollectionWriter.WriteProgram(program, "xdp", "entry");
        var elf = ElfFile.Parse(bytes);
        Assert.Equal(ElfFile.MachineBpf, elf.Machine);
        var spec = CollectionLoader.Parse(bytes);
        var p = Assert.Single(spec.Programs.Values);
        Assert.Equal("entry", p.Name);
        Assert.Equal(ProgramType.Xdp, p.Type);
        Assert.Equal(program, p.Instructions);
        Assert.Equal("entry_sub5", Assert.Single(p.SubPrograms).Name);
    }
}
