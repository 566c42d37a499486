using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Spec;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

public sealed class CollectionSpecTests
{
    private static CollectionSpec Load(string name) => CollectionLoader.Load(Fixtures.Path(name + ".o"));

    [Theory]
    [MemberData(nameof(Fixtures.Objects), MemberType = typeof(Fixtures))]
    public void Every_fixture_loads_with_programs_and_btf(string name)
    {
        var spec = Load(name);
        Assert.NotEmpty(spec.Programs);
        Assert.NotNull(spec.Btf);
        Assert.Contains("GPL", spec.License, StringComparison.Ordinal);
        foreach (var p in spec.Programs.Values)
        {
            Assert.True(p.Instructions.Length >= p.OwnLength);
            Assert.Null(InstructionValidator.ValidateProgram(p.Instructions));
        }
    }

    [Fact]
    public void Section_names_give_program_types_and_targets()
    {
        var spec = Load("prog_types");
        var byName = spec.Programs.Values.ToDictionary(p => p.SectionName, p => p);
        Assert.Equal(ProgramType.Xdp, byName["xdp"].Type);
        Assert.Equal(ProgramType.SchedCls, byName["tc"].Type);
        Assert.Equal(ProgramType.SchedCls, byName["classifier"].Type);
        Assert.Equal(ProgramType.SocketFilter, byName["socket"].Type);
        Assert.Equal(ProgramType.Tracepoint, byName["tracepoint/syscalls/sys_enter_openat"].Type);
        Assert.Equal("syscalls/sys_enter_openat", byName["tracepoint/syscalls/sys_enter_openat"].AttachTarget);
        Assert.Equal(ProgramType.Tracepoint, byName["tp/sched/sched_process_exec"].Type);
        Assert.Equal(ProgramType.RawTracepoint, byName["raw_tracepoint/sys_enter"].Type);
        Assert.Equal(ProgramType.RawTracepoint, byName["raw_tp/sched_switch"].Type);
        Assert.Equal(ProgramType.PerfEvent, byName["perf_event"].Type);
        Assert.Equal(AttachType.CgroupInetIngress, byName["cgroup_skb/ingress"].AttachType);
        Assert.Equal(AttachType.CgroupInetEgress, byName["cgroup_skb/egress"].AttachType);
        Assert.NotNull(spec.KernelVersion);

        var probes = Load("probes");
        Assert.All(probes.Programs.Values.Where(p => p.SectionName.StartsWith("kprobe/", StringComparison.Ordinal) ||
            p.SectionName.StartsWith("uprobe/", StringComparison.Ordinal)), p => Assert.Equal(ProgramType.Kprobe, p.Type));
        Assert.Contains(probes.Programs.Values, p => p.Type == ProgramType.Tracing && p.AttachType == AttachType.TraceFentry);
        Assert.Contains(probes.Programs.Values, p => p.Type == ProgramType.Tracing && p.AttachType == AttachType.TraceFexit);
    }

    [Fact]
    public void Btf_maps_have_types_sizes_pinning_inner_maps_and_initial_values()
    {
        var spec = Load("maps_btf");
        var m = spec.Maps;
        Assert.Equal(MapType.ProgArray, m["jump_table"].Type);
        Assert.Equal([(1u, "xdp_tail_ipv4"), (2u, "xdp_tail_ipv6")], m["jump_table"].InitialValues);
        Assert.Equal(MapType.ArrayOfMaps, m["outer_array"].Type);
        Assert.Equal(MapType.Array, m["outer_array"].InnerMap!.Type);
        Assert.Equal([(0u, "inner_a"), (3u, "inner_b")], m["outer_array"].InitialValues);
        Assert.Equal(MapType.HashOfMaps, m["outer_hash"].Type);
        Assert.Equal(MapType.Hash, m["outer_hash"].InnerMap!.Type);
        Assert.Equal(16u, m["flows"].KeySize);
        Assert.Equal(1u, m["flows"].Flags); // BPF_F_NO_PREALLOC
        Assert.Equal(PinType.ByName, m["recent_events"].Pinning);
        Assert.Equal(MapType.LruHash, m["recent_events"].Type);
        Assert.Equal(MapType.Ringbuf, m["ring"].Type);
        Assert.Equal(65536u, m["ring"].MaxEntries);
        Assert.Equal(MapType.PercpuArray, m["scratch"].Type);
        Assert.Equal(64u, m["scratch"].ValueSize);
        Assert.Equal("struct stats", BtfTypeNames.Describe(spec.Btf!, m["stats"].ValueType));
        // Every map reference names a map the object defines.
        foreach (var p in spec.Programs.Values)
            Assert.All(p.References.Where(r => r.Kind == ReferenceKind.Map), r => Assert.True(m.ContainsKey(r.Symbol), r.Symbol));
    }

    [Fact]
    public void Legacy_maps_are_read_from_struct_bpf_map_def()
    {
        var spec = Load("maps_legacy");
        var legacy = spec.Maps.Values.Where(x => x.Origin == MapOrigin.Legacy).ToList();
        Assert.Equal(4, legacy.Count);
        Assert.All(legacy, x => Assert.True(x.KeySize > 0 || x.Type is MapType.PerfEventArray));
    }

    [Fact]
    public void Global_data_sections_become_maps_with_their_contents_and_kconfig_externs_are_known()
    {
        var spec = Load("global_data");
        Assert.True(spec.Maps[".rodata"].ReadOnly);
        Assert.False(spec.Maps[".data"].ReadOnly);
        Assert.All(spec.Maps[".bss"].Contents!, b => Assert.Equal(0, b));
        Assert.True(spec.Maps.ContainsKey(".data.foo"));
        Assert.True(spec.Maps.ContainsKey(".rodata.bar"));
        Assert.True(spec.Maps.ContainsKey(".kconfig"));
        Assert.Contains(spec.Externs, e => e.Name == "LINUX_KERNEL_VERSION" && e.Kind == ReferenceKind.Kconfig && !e.Weak);
        Assert.Contains(spec.Externs, e => e.Name == "CONFIG_SHARPBPF_DOES_NOT_EXIST" && e.Weak);
        // DATASEC offsets are laid out from the symbol table (clang leaves them 0).
        var ds = spec.Btf!.FindDatasec(".data")!.Value;
        Assert.Equal(spec.Maps[".data"].ValueSize, ds.Size);
        Assert.Contains(Enumerable.Range(0, ds.Vlen).Select(i => ds.VarSecInfo(i).Offset), o => o > 0);
    }

    [Fact]
    public void Sub_programs_are_appended_and_calls_retargeted()
    {
        var spec = Load("subprogs");
        var text = spec.SubPrograms;
        foreach (var p in spec.Programs.Values)
        {
            Assert.NotEmpty(p.SubPrograms);
            foreach (var r in p.References.Where(r => r.Kind is ReferenceKind.Call or ReferenceKind.FunctionPointer))
            {
                var insn = p.Instructions[r.Instruction];
                int target = r.Instruction + 1 + insn.Immediate;
                var sub = p.SubPrograms.Single(s => s.Name == r.Symbol);
                Assert.Equal(sub.Start, target);
                Assert.True(text.ContainsKey(r.Symbol));
            }
        }
        // The callback passed to bpf_loop is a BPF_PSEUDO_FUNC lddw.
        var xdp = spec.Programs["xdp_subprogs"];
        var cb = xdp.References.Single(r => r.Kind == ReferenceKind.FunctionPointer);
        Assert.Equal((int)LoadImm64Source.Func, xdp.Instructions[cb.Instruction].Src);
    }

    [Fact]
    public void Kfuncs_and_ksyms_are_told_apart()
    {
        var spec = Load("ksyms");
        Assert.Contains(spec.Externs, e => e.Name == "bpf_task_acquire" && e.Kind == ReferenceKind.Kfunc);
        Assert.Contains(spec.Externs, e => e.Name == "runqueues" && e.Kind == ReferenceKind.Ksym);
        Assert.Contains(spec.Externs, e => e.Name == "sharpbpf_missing_symbol" && e.Weak);
        var calls = spec.Programs.Values.SelectMany(p => p.References.Where(r => r.Kind == ReferenceKind.Kfunc).Select(r => p.Instructions[r.Instruction]));
        Assert.All(calls, c => Assert.Equal((int)CallSource.Kfunc, c.Src));
    }

    [Fact]
    public void Core_relocations_of_every_kind_clang_14_emits_are_read()
    {
        var spec = Load("core_task");
        var kinds = spec.Programs.Values.SelectMany(p => p.CoreRelocations).Select(r => r.Record.Kind).Distinct().ToHashSet();
        for (var k = CoreRelocationKind.FieldByteOffset; k <= CoreRelocationKind.EnumValueValue; k++)
            Assert.Contains(k, kinds);
        Assert.Equal(45, spec.BtfExt!.CoreRelocations.Values.Sum(l => l.Count));
        Assert.All(spec.Programs.Values.SelectMany(p => p.CoreRelocations), r => Assert.Matches(@"^\d+(:\d+)*$", r.AccessString));
    }
}
