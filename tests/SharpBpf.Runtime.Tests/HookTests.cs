using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Runtime.Hooks;
using SharpBpf.Runtime.Jit;
using SharpBpf.Runtime.Maps;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Runtime.Tests;

/// <summary>Hooks: verified attach, host contexts, and the XDP fixture over the pcap fixture (tests/data/runtime).</summary>
public sealed class HookTests
{
    private static string Fixture(string name) => Path.Combine(TestPaths.Data, "runtime", name);

    [StructLayout(LayoutKind.Sequential)]
    private struct TwoArgs
    {
        public ulong A;
        public ulong B;
    }

    private const string SumArgs = """
        r2 = *(u64 *)(r1 + 0)
        r3 = *(u64 *)(r1 + 8)
        r2 += r3
        *(u64 *)(r10 - 16) = r2
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r1 = 0x1000000000000000 ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        call 2
        r0 = 0
        exit
        """;

    [Fact]
    public void HostHook_RunsVerifiedProgramsWithTheHostsContext()
    {
        var results = new ArrayMap("results", 8, 1);
        using var program = LoadedProgram.Load(HelperTests.Assemble(SumArgs),
            new ProgramLoadOptions { Name = "sum", Type = ProgramType.RawTracepoint, Maps = [results] });
        Assert.True(program.IsVerified);
        var hook = new Hook("on_request", ProgramType.RawTracepoint, 16);
        using (hook.Attach(program))
        {
            var r = hook.Run(new TwoArgs { A = 40, B = 2 });
            Assert.True(Assert.Single(r).Success);
            Assert.Equal(42UL, new BpfMap<uint, ulong>(results).Lookup(0));
        }
        Assert.Empty(hook.Programs);
        Assert.Throws<ArgumentException>(() => new Hook("x", ProgramType.Xdp, 24).Attach(program));
    }

    [Fact]
    public void RejectedPrograms_NeverRun()
    {
        var results = new HashMap("results", MapType.Hash, 4, 8, 1);
        // Writes through r0 of an unchecked hash lookup: the verifier rejects it.
        const string bad = """
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r1 = 0x1000000000000000 ll
            r2 = r10
            r2 += -4
            call 1
            r1 = 1
            *(u64 *)(r0 + 0) = r1
            r0 = 0
            exit
            """;
        var e = Assert.Throws<ProgramRejectedException>(() => LoadedProgram.Load(HelperTests.Assemble(bad),
            new ProgramLoadOptions { Type = ProgramType.RawTracepoint, Maps = [results] }));
        Assert.Contains("NULL", e.Message, StringComparison.OrdinalIgnoreCase);
        using var unverified = LoadedProgram.Load(HelperTests.Assemble(bad),
            new ProgramLoadOptions { Type = ProgramType.RawTracepoint, Maps = [results], Verify = false });
        var hook = new Hook("h", ProgramType.RawTracepoint, 16);
        Assert.Throws<ProgramRejectedException>(() => hook.Attach(unverified));
        Assert.Empty(hook.Programs);
        Assert.Empty(hook.Run(new TwoArgs()));
    }

    public static TheoryData<EngineKind> Engines => HelperTests.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void XdpFixture_OverThePcapFixture(EngineKind engine)
    {
        var spec = CollectionLoader.Load(Fixture("xdp_filter.o"));
        using var collection = UserCollection.Load(spec, new ProgramLoadOptions { Engine = engine }, possibleCpus: 2);
        var program = collection.LoadSection("xdp");
        Assert.True(program.IsVerified);
        var hook = new XdpHook();
        using var link = hook.Attach(program);
        var (linkType, packets) = PcapReader.Read(Fixture("packets.pcap"));
        Assert.Equal(PcapReader.LinkTypeEthernet, linkType);
        var actions = new List<XdpAction>();
        foreach (var p in packets)
        {
            actions.Add(hook.Run(p.Data, 0, p.Data.Length, out var result));
            Assert.True(result.Success, result.Error?.ToString());
        }
        Assert.Equal([XdpAction.Tx, XdpAction.Drop, XdpAction.Drop, XdpAction.Pass, XdpAction.Pass, XdpAction.Pass, XdpAction.Drop, XdpAction.Aborted], actions);

        var verdicts = new BpfMap<uint, ulong>(collection.Maps["verdicts"]);
        Assert.Equal([1UL, 3UL, 3UL, 1UL, 0UL], verdicts.Entries.Select(e => e.Value).ToArray());
        var protocols = new BpfMap<byte, ulong>(collection.Maps["protocols"]);
        Assert.Equal([(1, 1UL), (6, 1UL), (17, 3UL)], protocols.Entries.OrderBy(e => e.Key).Select(e => ((int)e.Key, e.Value)).ToArray());
        var bss = (ArrayMap)collection.Maps[".bss"];
        Assert.Equal(8UL, BinaryPrimitives.ReadUInt64LittleEndian(bss.ValueAt(0)));
        var bytes = new BpfMap<uint, ulong>(collection.Maps["bytes"]).LookupPerCpu(0)!;
        Assert.Equal((ulong)packets.Sum(p => p.Data.Length), bytes[0]);
        Assert.Equal(0UL, bytes[1]);
        var ring = (RingBufferMap)collection.Maps["drops"];
        var first = ring.TryRead()!;
        Assert.Equal(new byte[] { 192, 168, 1, 7, 53, 0, 17, 6 }, first);
        Assert.Equal(8, ring.TryRead()![3]);
        Assert.Null(ring.TryRead());
        Assert.Equal(MapErrno.EPERM, Assert.Throws<BpfMapException>(() => collection.Maps[".rodata"].Update(new byte[4], new byte[2])).Errno);
    }

    [Fact]
    public void MapDump_PrintsAsBpftool()
    {
        var map = new ArrayMap("verdicts", 8, 2);
        map.Update(new byte[4], [1, 0, 0, 0, 0, 0, 0, 0]);
        var w = new StringWriter();
        UserMapDump.Write(w, map);
        Assert.Equal("""
            map 'verdicts' (array, key 4B, value 8B, max_entries 2):
            key: 00 00 00 00  value: 01 00 00 00 00 00 00 00
            key: 01 00 00 00  value: 00 00 00 00 00 00 00 00
            Found 2 elements

            """.ReplaceLineEndings("\n"), w.ToString());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Pcap_ReadsBothByteOrdersAndTimestampUnits(bool bigEndian, bool nanoseconds)
    {
        byte[][] frames = [[1, 2, 3], [4, 5, 6, 7, 8]];
        var file = PcapReader.Write(frames, bigEndian: bigEndian, nanoseconds: nanoseconds);
        var (linkType, packets) = PcapReader.Parse(file);
        Assert.Equal(1u, linkType);
        Assert.Equal(frames, packets.Select(p => p.Data).ToArray());
        Assert.Equal(1_700_000_001L * 1_000_000_000, packets[1].Timestamp);
        Assert.Equal(24 + 16 + 3, packets[1].Offset);
    }

    [Fact]
    public void Pcap_MalformedFilesNameTheOffset()
    {
        var good = PcapReader.Write([[1, 2, 3, 4]]);
        Assert.Equal(0, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(good.AsSpan(0, 10))).Offset);
        var bad = (byte[])good.Clone();
        bad[0] = 0x42;
        Assert.Contains("bad magic", Assert.Throws<PcapFormatException>(() => PcapReader.Parse(bad)).Message, StringComparison.Ordinal);
        Assert.Contains("pcapng", Assert.Throws<PcapFormatException>(() => PcapReader.Parse([0x0a, 0x0d, 0x0d, 0x0a, .. new byte[40]])).Message, StringComparison.Ordinal);
        var cut = Assert.Throws<PcapFormatException>(() => PcapReader.Parse(good.AsSpan(0, good.Length - 1)));
        Assert.Equal(40, cut.Offset);
        Assert.StartsWith("offset 40 (0x28): truncated packet", cut.Message, StringComparison.Ordinal);
        Assert.Equal(24, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(good.AsSpan(0, 30))).Offset);
        var huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(32), 1_000_000);
        Assert.Equal(32, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(huge)).Offset);
    }

    [Fact]
    public void Pcap_TheFixtureMatchesTheWriter()
    {
        var (_, packets) = PcapReader.Read(Fixture("packets.pcap"));
        Assert.Equal(8, packets.Count);
        Assert.Equal(6, packets[^1].Data.Length);
    }
}
