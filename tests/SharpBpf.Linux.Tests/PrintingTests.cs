using System.Buffers.Binary;
using System.Text.RegularExpressions;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux.Printing;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Golden tests of the bpftool-format printers (SharpBpf.Linux.Printing), offline and on kernel objects.</summary>
public sealed class PrintingTests
{
    private static string Json(Action<BpftoolJsonWriter> write, bool pretty)
    {
        var text = new StringWriter();
        var j = new BpftoolJsonWriter(text, pretty);
        write(j);
        j.Finish();
        return text.ToString();
    }

    [Fact]
    public void Json_writer_lays_out_as_bpftools_json_writer()
    {
        void Doc(BpftoolJsonWriter j)
        {
            j.StartArray();
            j.StartObject();
            j.UIntField("id", 7);
            j.Name("map_ids");
            j.StartArray();
            j.UInt(1);
            j.UInt(2);
            j.EndArray();
            j.Name("formatted");
            j.StartObject();
            j.IntField("key", -1);
            j.BoolField("ok", true);
            j.EndObject();
            j.StringField("s", "a\"b\\c\n");
            j.EndObject();
            j.StartObject();
            j.NullField("key");
            j.EndObject();
            j.EndArray();
        }
        Assert.Equal("[{\"id\":7,\"map_ids\":[1,2],\"formatted\":{\"key\":-1,\"ok\":true},\"s\":\"a\\\"b\\\\c\\n\"},{\"key\":null}]\n", Json(Doc, false));
        Assert.Equal("""
            [{
                    "id": 7,
                    "map_ids": [1,2
                    ],
                    "formatted": {
                        "key": -1,
                        "ok": true
                    },
                    "s": "a\"b\\c\n"
                },{
                    "key": null
                }
            ]

            """.ReplaceLineEndings("\n"), Json(Doc, true));
    }

    [Fact]
    public void Hashmap_order_matches_bpftool_btf_show()
    {
        // Observed with bpftool 7.1: programs 1992-1994 on BTF 477, then 2024-2034 on BTF 504.
        var entries = new List<(uint, uint)> { (477, 1992), (477, 1993), (477, 1994) };
        for (uint id = 2024; id <= 2034; id++)
            entries.Add((504, id));
        var groups = LibbpfHashmapOrder.Group(entries);
        Assert.Equal("1992,1993,1994", string.Join(',', groups[477]));
        Assert.Equal("2034,2033,2026,2025,2024,2027,2028,2029,2030,2031,2032", string.Join(',', groups[504]));
        Assert.Equal([5u], LibbpfHashmapOrder.Group([(1u, 5u)])[1]);
    }

    [Fact]
    public void Hex_bytes_follow_fprint_hex()
    {
        var w = new StringWriter();
        MapElementPrinter.WriteHex(w, Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
        Assert.Equal("00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n10 11 12 13", w.ToString());
    }

    [Fact]
    public void Btf_values_are_formatted_as_btf_dumper()
    {
        var btf = BtfFileLoader.Load(Path.Combine(TestPaths.Data, "objects", "maps_btf.o"));
        var flowKey = btf.FindByName("flow_key", BtfKind.Struct);
        var stats = btf.FindByName("stats", BtfKind.Struct);
        var key = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(key, 0x0100007f);
        BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(4), 0xffffffff);
        BinaryPrimitives.WriteUInt16LittleEndian(key.AsSpan(8), 53);
        BinaryPrimitives.WriteUInt16LittleEndian(key.AsSpan(10), 4242);
        key[12] = 17;
        key[13] = 0xff;
        Assert.Equal("""
            {
                "saddr": 16777343,
                "daddr": 4294967295,
                "sport": 53,
                "dport": 4242,
                "proto": 17,
                "pad": [255,0,0
                ]
            }

            """.ReplaceLineEndings("\n"), Json(j => new BtfValueWriter(btf, j, plainText: true).Write(flowKey, key), true));
        var value = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(value, 3);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(8), 1500);
        Assert.Equal("{\"packets\":3,\"bytes\":1500}\n", Json(j => new BtfValueWriter(btf, j, plainText: false).Write(stats, value), false));
    }

    [Fact]
    public void Function_signatures_use_bpftools_spacing()
    {
        var btf = BtfFileLoader.Load(Path.Combine(TestPaths.Data, "objects", "subprogs.o"));
        Assert.Equal("int socket_subprogs(struct __sk_buff * skb)", BtfSignature.Of(btf, btf.FindByName("socket_subprogs", BtfKind.Func)));
        Assert.Equal("int bucket_of(const struct pkt_info * info)", BtfSignature.Of(btf, btf.FindByName("bucket_of", BtfKind.Func)));
        Assert.Equal("", BtfSignature.Of(null, 1));
    }

    [Fact]
    public void Map_elements_in_text_and_json()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 8, 4, "print_hash"));
        map.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(0x0807060504030201ul));
        var text = new StringWriter();
        Assert.True(MapDump.Dump([map], text, null));
        Assert.Equal("key: 01 00 00 00  value: 01 02 03 04 05 06 07 08\nFound 1 element\n", text.ToString());
        var json = new StringWriter();
        var j = new BpftoolJsonWriter(json, pretty: false);
        Assert.True(MapDump.Dump([map], json, j));
        j.Finish();
        Assert.Equal("[{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x01\",\"0x02\",\"0x03\",\"0x04\",\"0x05\",\"0x06\",\"0x07\",\"0x08\"]}]\n", json.ToString());

        var info = map.GetInfo();
        var show = new StringWriter();
        MapShowPrinter.WritePlain(show, MapShowEntry.Read(map));
        Assert.Matches(new Regex($"^{info.Id}: hash  name print_hash  flags 0x0\n\tkey 4B  value 8B  max_entries 4  memlock \\d+B\n$"), show.ToString());
    }

    [Fact]
    public void Per_cpu_values_are_listed_per_possible_cpu()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.PercpuArray, 4, 4, 1, "print_pcpu"));
        var text = new StringWriter();
        Assert.True(MapDump.Dump([map], text, null));
        var expected = new System.Text.StringBuilder("key:\n00 00 00 00\n");
        for (int cpu = 0; cpu < LinuxKernel.PossibleCpus; cpu++)
            expected.Append($"value (CPU {cpu:00}): 00 00 00 00\n");
        expected.Append("Found 1 element\n");
        Assert.Equal(expected.ToString(), text.ToString());
    }

    [Fact]
    public void Xlated_dump_names_maps_and_helpers()
    {
        Kernel.Require();
        using var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 8, 4, "print_xl"));
        string source = $"""
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            ld_pseudo r1, 1, {map.Fd.Value}
            call 1
            r0 = 0
            exit
            """;
        using var program = KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "print_xl" });
        var code = ProgramCode.Read(program, jited: false);
        var text = new StringWriter();
        new XlatedDumper(code, KernelSymbols.Load()).WritePlain(text, opcodes: false, linum: false);
        var lines = text.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal("   0: (b7) r1 = 0", lines[0]);
        Assert.Equal("   1: (63) *(u32 *)(r10 -4) = r1", lines[1]);
        Assert.Equal($"   4: (18) r1 = map[id:{map.Id}]", lines[4]);
        // The verifier turns bpf_map_lookup_elem into a call of the hash map's own lookup, named from kallsyms.
        Assert.Matches(new Regex(@"^   6: \(85\) call __htab_map_lookup_elem#-?\d+$"), lines[5]);
        Assert.EndsWith(": (95) exit", lines[^1], StringComparison.Ordinal);
        var show = new StringWriter();
        ProgramShowPrinter.WritePlain(show, ProgramShowEntry.Read(program));
        var info = program.GetInfo();
        Assert.Matches(new Regex($"^{info.Id}: socket_filter  name print_xl  tag {info.Tag}  gpl\n\tloaded_at \\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{{4}}  uid 0\n\txlated \\d+B  jited \\d+B  memlock \\d+B  map_ids {map.Id}\n$"), show.ToString());
    }
}
