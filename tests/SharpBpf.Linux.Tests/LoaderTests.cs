using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Linux.Loader;
using SharpBpf.Linux.Native;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>The fixtures of tests/data/objects loaded into the running kernel by <see cref="Collection"/>.</summary>
[Collection(nameof(FdCountCollection))] // one test counts bpf fds around a failed load
public sealed class LoaderTests
{
    // XDP actions (include/uapi/linux/bpf.h, enum xdp_action).
    private const uint XdpDrop = 1;
    private const uint XdpPass = 2;

    internal static string Fixture(string name) => Path.Combine(TestPaths.Data, "objects", name + ".o");

    /// <summary>A fresh directory on bpffs for pins, removed with everything in it by the caller.</summary>
    internal static string PinDirectory(string what)
    {
        Kernel.RequireBpfFs();
        string dir = Kernel.PinPath(what);
        Directory.CreateDirectory(dir);
        return dir;
    }

    internal static void RemovePins(string dir)
    {
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
    }

    public static TheoryData<string> Loadable => ["prog_types", "maps_btf", "global_data", "subprogs", "core_task", "core_local", "ksyms"];

    [Theory]
    [MemberData(nameof(Loadable))]
    public void Fixture_loads_with_every_program_and_map_in_the_kernel(string fixture)
    {
        string pins = PinDirectory("fixture");
        try
        {
            var spec = CollectionLoader.Load(Fixture(fixture));
            using var collection = Collection.Load(spec, new CollectionOptions { PinPath = pins });

            var expected = spec.Programs.Values.Where(p => !p.SectionName.StartsWith('?')).Select(p => p.Name).ToList();
            Assert.Equal(expected, collection.Programs.Keys.ToList());
            Assert.Equal(spec.Maps.Keys.ToList(), collection.Maps.Keys.ToList());
            Assert.NotNull(collection.Btf);
            uint btfId = collection.Btf!.Id;
            var mapIds = collection.Maps.Values.Select(m => m.Id).ToHashSet();
            foreach (var (name, program) in collection.Programs)
            {
                var info = program.GetInfo();
                var programSpec = spec.Programs[name];
                Assert.Equal(name.Length > 15 ? name[..15] : name, info.Name);
                if (programSpec.Type != ProgramType.Unspec)
                    Assert.Equal(programSpec.Type, info.Type);
                Assert.Equal(btfId, info.BtfId);
                Assert.True(info.MapIds.All(mapIds.Contains), $"{name} uses maps {string.Join(",", info.MapIds)}, not all of the collection's");
                int referenced = programSpec.References.Where(r => r.Kind is ReferenceKind.Map or ReferenceKind.Data or ReferenceKind.Kconfig)
                    .Select(r => r.Kind == ReferenceKind.Map ? r.Symbol : r.Section ?? ".kconfig").Distinct().Count();
                Assert.Equal(referenced, info.MapIds.Count);
            }
            foreach (var (name, map) in collection.Maps)
            {
                var info = map.GetInfo();
                Assert.Equal(spec.Maps[name].Type, info.Type);
                Assert.Equal(map.Name, info.Name);
            }
        }
        finally
        {
            RemovePins(pins);
        }
    }

    [Fact]
    public void Xdp_program_of_prog_types_counts_packet_bytes_in_its_map()
    {
        Kernel.Require();
        using var collection = Collection.Load(Fixture("prog_types"), new CollectionOptions { Programs = ["xdp_count"] });
        Assert.Equal(["xdp_count"], collection.Programs.Keys);
        var counters = collection.Map<uint, ulong>("counters");
        Assert.Equal(0ul, counters.Lookup(0));

        var result = collection.Programs["xdp_count"].TestRun(new ProgramTestRunOptions { Data = new byte[64], Repeat = 3 });
        Assert.Equal(XdpPass, result.ReturnValue);
        Assert.Equal(3 * 64ul, counters.Lookup(0));
        Assert.Equal(0ul, counters.Lookup(1));
        var info = collection.Programs["xdp_count"].GetInfo();
        Assert.Equal(ProgramType.Xdp, info.Type);
        Assert.Equal([collection.Maps["counters"].Id], info.MapIds);
        Assert.True(info.GplCompatible); // "Dual BSD/GPL"
    }

    [Fact]
    public void Global_data_maps_have_libbpf_names_flags_and_contents()
    {
        Kernel.Require();
        using var collection = Collection.Load(Fixture("global_data"));
        var names = collection.Maps.ToDictionary(m => m.Key, m => m.Value.GetInfo().Name);
        Assert.Equal(new Dictionary<string, string>
        {
            [".data"] = "global_d.data",
            [".rodata"] = "global_d.rodata",
            [".data.foo"] = ".data.foo",
            [".rodata.bar"] = ".rodata.bar",
            [".bss"] = "global_d.bss",
            [".rodata.str1.1"] = ".rodata.str1.1",
            [".kconfig"] = "global_.kconfig",
        }, names);
        // libbpf: read-only data is BPF_F_RDONLY_PROG; data with a global variable is BPF_F_MMAPABLE.
        Assert.Equal(MapFlags.RdonlyProg | MapFlags.Mmapable, collection.Maps[".rodata"].GetInfo().Flags);
        Assert.Equal(MapFlags.Mmapable, collection.Maps[".data"].GetInfo().Flags);
        Assert.Equal(MapFlags.RdonlyProg, collection.Maps[".rodata.str1.1"].GetInfo().Flags);
        Assert.Equal(MapFlags.RdonlyProg | MapFlags.Mmapable, collection.Maps[".kconfig"].GetInfo().Flags);

        Assert.Equal(1ul, collection.ReadVariable<ulong>("packets_seen"));
        Assert.Equal([64u, 128u, 512u, 1500u], ReadArray(collection, "thresholds"));
        Assert.Equal(16u, collection.ReadVariable<uint>("sample_every"));
        Assert.Equal(100u, collection.ReadVariable<uint>("bar_limit"));
        Assert.Equal(3u, collection.ReadVariable<uint>("foo_counter"));
        Assert.Equal(0ul, collection.ReadVariable<ulong>("drops"));

        // .rodata and .kconfig are frozen: userspace can no longer write them.
        var e = Assert.Throws<BpfException>(() => collection.WriteVariable("sample_every", 1u));
        Assert.Equal(Errno.EPERM, e.Errno);
        collection.WriteVariable("foo_counter", 7u);
        Assert.Equal(7u, collection.ReadVariable<uint>("foo_counter"));
    }

    private static uint[] ReadArray(Collection collection, string name)
    {
        var v = collection.Variables.Single(x => x.Name == name);
        var value = new byte[collection.Maps[v.Map].ValueSize];
        Assert.True(collection.Maps[v.Map].TryLookup(new byte[4], value));
        var result = new uint[v.Size / 4];
        for (int i = 0; i < result.Length; i++)
            result[i] = BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan((int)v.Offset + i * 4));
        return result;
    }

    [Fact]
    public void Kconfig_externs_hold_the_running_kernels_values()
    {
        Kernel.Require();
        using var collection = Collection.Load(Fixture("global_data"));
        var kconfig = collection.Maps[".kconfig"];
        var value = new byte[kconfig.ValueSize];
        Assert.True(kconfig.TryLookup(new byte[4], value));
        var btf = collection.Spec.Btf!;
        var ds = btf.FindDatasec(".kconfig")!.Value;
        var offsets = Enumerable.Range(0, ds.Vlen).Select(ds.VarSecInfo).ToDictionary(v => btf.GetType(v.Type).Name, v => (int)v.Offset);

        var version = LinuxKernel.Version;
        int code = (version.Major << 16) + (version.Minor << 8) + Math.Min(version.Build, 255);
        Assert.Equal(code, BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(offsets["LINUX_KERNEL_VERSION"])));
        Assert.Equal(0, value[offsets["CONFIG_SHARPBPF_DOES_NOT_EXIST"]]);

        var config = ReadConfig();
        if (config is null)
            return;
        Assert.Equal(config["CONFIG_BPF_SYSCALL"] == "y" ? 1 : 0, value[offsets["CONFIG_BPF_SYSCALL"]]);
        if (config.TryGetValue("CONFIG_HZ", out var hz))
            Assert.Equal(int.Parse(hz), BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(offsets["CONFIG_HZ"])));
        int tristate = config.GetValueOrDefault("CONFIG_NET_CLS_BPF") switch { "y" => 1, "m" => 2, _ => 0 };
        Assert.Equal(tristate, BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(offsets["CONFIG_NET_CLS_BPF"])));
        if (config.TryGetValue("CONFIG_DEFAULT_HOSTNAME", out var host))
        {
            var bytes = value.AsSpan(offsets["CONFIG_DEFAULT_HOSTNAME"], 16);
            Assert.Equal(host.Trim('"'), System.Text.Encoding.ASCII.GetString(bytes[..bytes.IndexOf((byte)0)]));
        }
    }

    private static IReadOnlyDictionary<string, string>? ReadConfig() => Features.KernelConfig.Current?.Options;

    [Fact]
    public void Kconfig_values_come_from_the_given_config_and_strong_missing_externs_are_named()
    {
        Kernel.Require();
        var options = new CollectionOptions
        {
            KernelConfig = new Dictionary<string, string>
            {
                ["CONFIG_HZ"] = "1000", ["CONFIG_BPF_SYSCALL"] = "n", ["CONFIG_NET_CLS_BPF"] = "m", ["CONFIG_DEFAULT_HOSTNAME"] = "\"sharp\"",
            },
        };
        using (var collection = Collection.Load(Fixture("global_data"), options))
        {
            var value = new byte[40];
            Assert.True(collection.Maps[".kconfig"].TryLookup(new byte[4], value));
            Assert.Equal(1000, BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(4)));
            Assert.Equal(0, value[8]);
            Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(12)));
            Assert.Equal("sharp\0"u8.ToArray(), value.AsSpan(24, 6).ToArray());
        }

        var bad = Assert.Throws<BpfException>(() => Collection.Load(Fixture("global_data"), new CollectionOptions { KernelConfig = new Dictionary<string, string> { ["CONFIG_HZ"] = "\"fast\"" } }));
        Assert.Equal("extern (kconfig) 'CONFIG_HZ': value '\"fast\"' implies a char array type", bad.Message);

        var spec = CollectionLoader.Load(Fixture("global_data"));
        var strong = WithExterns(spec, [.. spec.Externs.Select(x => x.Name == "CONFIG_SHARPBPF_DOES_NOT_EXIST" ? x with { Weak = false } : x)]);
        var missing = Assert.Throws<BpfException>(() => Collection.Load(strong));
        Assert.Equal("unresolved extern: 'CONFIG_SHARPBPF_DOES_NOT_EXIST' (kconfig, strong): not set in the kernel's config", missing.Message);
    }

    private static CollectionSpec WithExterns(CollectionSpec spec, IReadOnlyList<ExternSpec> externs) => new()
    {
        Path = spec.Path, Programs = spec.Programs, Maps = spec.Maps, Btf = spec.Btf, BtfExt = spec.BtfExt, License = spec.License,
        KernelVersion = spec.KernelVersion, Externs = externs, SubPrograms = spec.SubPrograms,
    };

    [Fact]
    public void Rodata_set_before_loading_changes_what_the_program_does()
    {
        Kernel.Require();
        var jumbo = new byte[1600];
        // sample_every 16: the second packet seen (packets_seen starts at 1) is not sampled: XDP_PASS.
        using (var collection = Collection.Load(Fixture("global_data"), new CollectionOptions { Programs = ["xdp_globals"] }))
        {
            Assert.Equal(XdpPass, collection.Programs["xdp_globals"].TestRun(jumbo).ReturnValue);
            Assert.Equal(2ul, collection.ReadVariable<ulong>("packets_seen"));
            Assert.Equal(0ul, collection.ReadVariable<ulong>("drops"));
        }
        // sample_every 1: every packet is checked, and 1600 bytes is over every threshold: XDP_DROP.
        var options = new CollectionOptions { Programs = ["xdp_globals"] }.SetVariable("sample_every", 1u).SetVariable("packets_seen", 41ul);
        using (var collection = Collection.Load(Fixture("global_data"), options))
        {
            Assert.Equal(1u, collection.ReadVariable<uint>("sample_every"));
            Assert.Equal(XdpDrop, collection.Programs["xdp_globals"].TestRun(jumbo).ReturnValue);
            Assert.Equal(42ul, collection.ReadVariable<ulong>("packets_seen"));
            Assert.Equal(1ul, collection.ReadVariable<ulong>("drops"));
            Assert.Equal(4u, collection.ReadVariable<uint>("foo_counter"));
        }

        var wrongSize = Assert.Throws<BpfException>(() => Collection.Load(Fixture("global_data"), new CollectionOptions().SetVariable("sample_every", 1ul)));
        Assert.Equal("set variable 'sample_every': it is 4 bytes in .rodata, the value is 8", wrongSize.Message);
        var unknown = Assert.Throws<BpfException>(() => Collection.Load(Fixture("global_data"), new CollectionOptions().SetVariable("nope", 1)));
        Assert.StartsWith("set variable 'nope': variable 'nope' not found; the object's global variables are packets_seen, thresholds,", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Core_local_is_relocated_to_the_kernels_task_struct()
    {
        Kernel.Require();
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var task = vmlinux.GetType(vmlinux.FindByName("task_struct", BtfKind.Struct));
        uint Offset(string member) => Enumerable.Range(0, task.Vlen).Select(task.Member).Single(m => m.Name == member).BitOffset / 8;
        uint pid = Offset("pid"), tgid = Offset("tgid");

        using var collection = Collection.Load(Fixture("core_local"));
        // The direct reads of tp_btf: plain loads whose offsets are now the kernel's (1264 and 1268 on 6.18).
        var xlated = collection.Programs["fork_direct"].GetXlatedInstructions();
        Assert.Contains(xlated, i => i.Class == Opcodes.ClassLdx && i.Offset == pid);
        Assert.Contains(xlated, i => i.Class == Opcodes.ClassLdx && i.Offset == tgid);
        Assert.DoesNotContain(collection.Spec.Programs["fork_direct"].Instructions, i => i.Class == Opcodes.ClassLdx && i.Offset == pid);

        // The probed reads of raw_tp: run it (current is this thread) and read what it found.
        var run = collection.Programs["switch_probed"].TestRun(new ProgramTestRunOptions());
        Assert.Equal(0u, run.ReturnValue);
        var results = collection.Maps["results"];
        var value = new byte[results.ValueSize];
        Assert.True(results.TryLookup(BitConverter.GetBytes(1u), value));
        int I32(int at) => BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at));
        Assert.Equal(Environment.ProcessId, I32(4));             // tgid
        Assert.Equal((int)pid, I32(44));                         // kernel_pid_offset
        Assert.Equal((int)tgid, I32(52));                        // kernel_tgid_offset
        Assert.Equal(4, I32(40));                                // local_pid_offset, as compiled
        Assert.Equal(4, I32(60));                                // kernel_prio_size (a short locally)
        Assert.Equal(0, I32(64));                                // has_cookie
        Assert.Equal(1, I32(68));                                // has_state
        Assert.Equal(4, I32(88));                                // PIDTYPE_MAX
        Assert.Equal(3, I32(92));                                // PIDTYPE_SID
    }

    [Fact]
    public void Ksyms_resolves_kfuncs_and_addresses_and_skips_question_mark_sections()
    {
        Kernel.Require();
        using var collection = Collection.Load(Fixture("ksyms"));
        Assert.Equal(["fork_kfuncs"], collection.Programs.Keys);
        Assert.Contains(collection.Log, l => l.Contains("'switch_runqueues': not loaded", StringComparison.Ordinal));
        var info = collection.Programs["fork_kfuncs"].GetInfo();
        Assert.Equal(ProgramType.Tracing, info.Type);
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        Assert.Equal(vmlinux.FindByName("btf_trace_sched_process_fork", BtfKind.Typedef).Value, info.AttachBtfId);

        // _stext is typeless: its kallsyms address is a plain ld_imm64.
        ulong stext = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ')).Where(f => f.Length >= 3 && f[2] == "_stext")
            .Select(f => Convert.ToUInt64(f[0], 16)).First();
        var xlated = collection.Programs["fork_kfuncs"].GetXlatedInstructions();
        bool found = false;
        for (int i = 0; i + 1 < xlated.Length; i++)
            found |= xlated[i].IsWide && (uint)xlated[i].Immediate == (uint)stext && (uint)xlated[i + 1].Immediate == (uint)(stext >> 32);
        Assert.True(stext == 0 || found, $"no ld_imm64 of _stext (0x{stext:x}) in the translated program");
    }

    [Fact]
    public void A_question_mark_program_loads_when_named_and_its_rejection_names_it()
    {
        Kernel.Require();
        // switch_runqueues reads a per-CPU kernel variable, which the kernel resolves through
        // kallsyms: only with CONFIG_KALLSYMS_ALL (not this kernel's, see tests/data/objects/README.md).
        var options = new CollectionOptions { Programs = ["switch_runqueues"] };
        if (ReadConfig()?.GetValueOrDefault("CONFIG_KALLSYMS_ALL") == "y")
        {
            using var collection = Collection.Load(Fixture("ksyms"), options);
            Assert.Equal(["switch_runqueues"], collection.Programs.Keys);
            return;
        }
        // The kernel says ENOENT and explains in the log, which the loader fetches.
        var e = Assert.Throws<BpfVerifierException>(() => Collection.Load(Fixture("ksyms"), options));
        Assert.Equal("load program 'switch_runqueues': the verifier rejected the program: ldimm64 failed to find the address for kernel symbol 'runqueues'. (ENOENT)", e.Message);
        Assert.Equal(Errno.ENOENT, e.Errno);
    }

    [Fact]
    public void Verifier_rejection_surfaces_the_log_and_the_failing_instruction()
    {
        Kernel.Require();
        var good = CollectionLoader.Load(Fixture("prog_types"));
        var xdp = good.Programs["xdp_count"];
        // r0 = *(u32 *)(r1 + 4096): past struct xdp_md.
        Instruction[] code =
        [
            new(Opcodes.ClassAlu64 | Opcodes.Mov, 0, 0, 0, 0),
            new(Opcodes.ClassLdx | Opcodes.ModeMem | Opcodes.SizeW, 0, 1, 4096, 0),
            new(Opcodes.ExitOpcode, 0, 0, 0, 0),
        ];
        var bad = new ProgramSpec
        {
            Name = "bad_xdp", SectionName = "xdp", Type = ProgramType.Xdp, AttachType = AttachType.Xdp, SectionOffset = 0,
            Instructions = code, OwnLength = code.Length, SubPrograms = [], References = [], License = "GPL",
        };
        var spec = new CollectionSpec
        {
            Path = "bad.o", Programs = new Dictionary<string, ProgramSpec> { ["xdp_count"] = xdp, ["bad_xdp"] = bad },
            Maps = good.Maps, Btf = good.Btf, BtfExt = good.BtfExt, License = "GPL",
        };
        int before = OpenBpfFds();
        var e = Assert.Throws<BpfVerifierException>(() => Collection.Load(spec));
        Assert.StartsWith("load program 'bad_xdp': the verifier rejected the program at insn 1: invalid bpf_context access off=4096 size=4", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, e.InstructionIndex);
        Assert.Contains("1: (61) r0 = *(u32 *)(r1 +4096)", e.Log, StringComparison.Ordinal);
        Assert.Equal(["load program 'bad_xdp'"], e.Context);
        // What was created before the failure (the BTF, the map, xdp_count) is closed again.
        Assert.True(OpenBpfFds() <= before, "the failed load left fds open");
    }

    private static int OpenBpfFds() =>
        Directory.GetFiles("/proc/self/fd").Count(f =>
        {
            try
            {
                return new FileInfo(f).LinkTarget?.StartsWith("anon_inode:bpf", StringComparison.Ordinal) == true ||
                       new FileInfo(f).LinkTarget?.StartsWith("anon_inode:btf", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false;
            }
        });

    [Fact]
    public void Maps_pinned_by_name_are_reused_by_the_next_load()
    {
        string pins = PinDirectory("reuse");
        try
        {
            var options = new CollectionOptions { PinPath = pins, Programs = [] };
            uint id;
            using (var first = Collection.Load(Fixture("maps_btf"), options))
            {
                id = first.Maps["recent_events"].Id;
                Assert.Equal(Path.Combine(pins, "recent_events"), first.Maps["recent_events"].PinnedPath);
                Assert.Equal(["recent_events"], Directory.GetFiles(pins).Select(Path.GetFileName));
                first.Maps["recent_events"].Update(BitConverter.GetBytes(7u), new byte[first.Maps["recent_events"].ValueSize]);
            }
            // The pin keeps the map alive; the second load finds it, contents and all.
            using (var second = Collection.Load(Fixture("maps_btf"), options))
            {
                Assert.Equal(id, second.Maps["recent_events"].Id);
                Assert.Contains(second.Log, l => l == $"map 'recent_events': reusing the map pinned at {pins}/recent_events (id {id})");
                Assert.True(second.Maps["recent_events"].TryLookup(BitConverter.GetBytes(7u), new byte[second.Maps["recent_events"].ValueSize]));
            }
            Assert.True(File.Exists(Path.Combine(pins, "recent_events")));
        }
        finally
        {
            RemovePins(pins);
        }
    }

    [Fact]
    public void An_incompatible_pin_fails_the_load_and_leaves_nothing_behind()
    {
        string pins = PinDirectory("mismatch");
        try
        {
            string path = Path.Combine(pins, "recent_events");
            using (var other = KernelMap.Create(Kernel.Spec(MapType.LruHash, 4, 8, 16, "recent_events")))
                other.Pin(path);
            var e = Assert.Throws<BpfException>(() => Collection.Load(Fixture("maps_btf"), new CollectionOptions { PinPath = pins }));
            Assert.StartsWith($"map 'recent_events': the map pinned at {path} does not match the object's: value_size 8 (pinned) != ", e.Message, StringComparison.Ordinal);
            Assert.Equal(["recent_events"], Directory.GetFiles(pins).Select(Path.GetFileName));
        }
        finally
        {
            RemovePins(pins);
        }
    }

    [Fact]
    public void Maps_pinned_by_name_are_neither_pinned_nor_reused_without_PinMaps()
    {
        string pins = PinDirectory("nopin");
        try
        {
            using var first = Collection.Load(Fixture("maps_btf"), new CollectionOptions { PinPath = pins, PinMaps = false });
            Assert.Null(first.Maps["recent_events"].PinnedPath);
            Assert.Empty(Directory.Exists(pins) ? Directory.GetFiles(pins) : []);
            using var second = Collection.Load(Fixture("maps_btf"), new CollectionOptions { PinPath = pins, PinMaps = false });
            Assert.NotEqual(first.Maps["recent_events"].Id, second.Maps["recent_events"].Id);
        }
        finally
        {
            RemovePins(pins);
        }
    }

    [Fact]
    public void Prog_array_and_map_in_map_slots_are_filled()
    {
        string pins = PinDirectory("slots");
        try
        {
            using var collection = Collection.Load(Fixture("maps_btf"), new CollectionOptions { PinPath = pins });
            var jumps = collection.Maps["jump_table"];
            var value = new byte[4];
            Assert.True(jumps.TryLookup(BitConverter.GetBytes(1u), value));
            Assert.Equal(collection.Programs["xdp_tail_ipv4"].Id, BinaryPrimitives.ReadUInt32LittleEndian(value));
            Assert.True(jumps.TryLookup(BitConverter.GetBytes(2u), value));
            Assert.Equal(collection.Programs["xdp_tail_ipv6"].Id, BinaryPrimitives.ReadUInt32LittleEndian(value));
            Assert.False(jumps.TryLookup(BitConverter.GetBytes(0u), value));
            var outer = collection.Maps["outer_array"];
            Assert.True(outer.TryLookup(BitConverter.GetBytes(0u), value));
            Assert.Equal(collection.Maps["inner_a"].Id, BinaryPrimitives.ReadUInt32LittleEndian(value));
            Assert.True(outer.TryLookup(BitConverter.GetBytes(3u), value));
            Assert.Equal(collection.Maps["inner_b"].Id, BinaryPrimitives.ReadUInt32LittleEndian(value));

            // A 64-byte packet: xdp_maps tail-calls xdp_tail_ipv4, which tail-calls xdp_tail_ipv6 (XDP_DROP, stats[2].packets++).
            var run = collection.Programs["xdp_maps"].TestRun(new byte[64]);
            Assert.Equal(XdpDrop, run.ReturnValue);
            var stats = new byte[collection.Maps["stats"].ValueBufferSize];
            Assert.True(collection.Maps["stats"].TryLookup(BitConverter.GetBytes(2u), stats));
            Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(stats));
        }
        finally
        {
            RemovePins(pins);
        }
    }

    [Fact]
    public void Internal_map_names_follow_libbpf()
    {
        Assert.Equal("prog_typ.data", CollectionBuilder.InternalMapName("prog_types", ".data"));
        Assert.Equal("prog_typ.rodata", CollectionBuilder.InternalMapName("prog_types", ".rodata"));
        Assert.Equal("prog_typ.bss", CollectionBuilder.InternalMapName("prog_types", ".bss"));
        Assert.Equal("global_.kconfig", CollectionBuilder.InternalMapName("global_data", ".kconfig"));
        Assert.Equal(".data.foo", CollectionBuilder.InternalMapName("global_data", ".data.foo"));
        Assert.Equal(".rodata.abracad", CollectionBuilder.InternalMapName("x", ".rodata.abracadabra"));
        Assert.Equal("my_obj.data", CollectionBuilder.InternalMapName("my-obj", ".data"));
        Assert.Equal(".data", CollectionBuilder.InternalMapName("", ".data"));
    }

    [Fact]
    public void Btf_fixups_give_the_kernel_what_its_btf_verifier_accepts()
    {
        var spec = CollectionLoader.Load(Fixture("ksyms"));
        var original = spec.Btf!;
        var fixedBtf = BtfSpec.Parse(KernelBtfFixups.Apply(original));
        // Ids stay: the dummy VAR for the kfuncs of .ksyms is appended.
        Assert.Equal(original.TypeCount + 1, fixedBtf.TypeCount);
        var dummy = fixedBtf.GetType((uint)original.TypeCount);
        Assert.Equal((BtfKind.Var, "dummy_ksym", BtfLinkage.Global), (dummy.Kind, dummy.Name, dummy.VarLinkage));
        for (uint id = 1; id < (uint)original.TypeCount; id++)
        {
            var t = fixedBtf.GetType(id);
            Assert.Equal(original.GetType(id).Kind, t.Kind);
            if (t.Kind == BtfKind.Var)
                Assert.NotEqual(BtfLinkage.Extern, t.VarLinkage);
            if (t.Kind == BtfKind.Func)
                Assert.NotEqual(BtfLinkage.Extern, t.FuncLinkage);
        }
        var ksyms = fixedBtf.FindDatasec(".ksyms")!.Value;
        Assert.Equal((uint)ksyms.Vlen * 4, ksyms.Size);
        for (int i = 0; i < ksyms.Vlen; i++)
        {
            var vsi = ksyms.VarSecInfo(i);
            Assert.Equal(((uint)i * 4, 4u), (vsi.Offset, vsi.Size));
            Assert.Equal(BtfKind.Var, fixedBtf.GetType(vsi.Type).Kind);
        }
        // A BTF without externs is passed through untouched.
        var plain = CollectionLoader.Load(Fixture("prog_types")).Btf!;
        Assert.Equal(plain.Bytes.ToArray(), KernelBtfFixups.Apply(plain));
    }

    [Fact]
    public void Naming_a_program_the_object_lacks_is_an_error_that_lists_its_programs()
    {
        Kernel.Require();
        var e = Assert.Throws<BpfException>(() => Collection.Load(Fixture("subprogs"), new CollectionOptions { Programs = ["nope"] }));
        Assert.Equal("program 'nope' is not in the object; its programs are xdp_subprogs, tc_subprogs, socket_subprogs", e.Message);
    }
}
