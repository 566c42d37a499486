using System.Collections.Concurrent;
using System.Diagnostics;
using SharpBpf.Core;

namespace SharpBpf.Linux.Features;

/// <summary>
/// What the running kernel supports, found by real loads and creates (cilium/ebpf's features
/// package, libbpf's libbpf_probe_*): program, map and attach types, the helpers each program
/// type may call, and miscellaneous facilities. Every answer is cached for the life of the
/// process; probes are thread-safe, and the bulk ones (<see cref="ProbeHelpers"/>,
/// <see cref="ProbeAll"/>) run in parallel.
/// </summary>
/// <example>
/// <code>
/// KernelFeatures.ProbeMapType(MapType.Ringbuf).ThrowIfNotSupported();
/// if (KernelFeatures.ProbeHelper(ProgramType.Xdp, HelperIds.IdOf("bpf_xdp_adjust_head")).IsSupported) ...
/// </code>
/// </example>
public static class KernelFeatures
{
    private static readonly ConcurrentDictionary<ProgramType, Lazy<FeatureProbeResult>> Programs = new();
    private static readonly ConcurrentDictionary<MapType, Lazy<FeatureProbeResult>> Maps = new();
    private static readonly ConcurrentDictionary<AttachType, Lazy<FeatureProbeResult>> RawAttach = new();
    private static readonly ConcurrentDictionary<AttachType, Lazy<FeatureProbeResult>> Attach = new();
    private static readonly ConcurrentDictionary<MiscFeature, Lazy<FeatureProbeResult>> MiscResults = new();
    private static readonly ConcurrentDictionary<ProgramType, Lazy<HelperTable>> HelperTables = new();
    private static readonly Lazy<bool> Syscall = new(Probes.HaveBpfSyscall);

    /// <summary>Whether bpf(2) exists (any answer but ENOSYS).</summary>
    public static bool HaveBpfSyscall => Syscall.Value;

    /// <summary>bpf(2) calls issued by probes so far in this process (cached answers issue none).</summary>
    public static long ProbeCallCount => ProbeCall.Count;

    /// <summary>Whether programs of <paramref name="type"/> load (libbpf_probe_bpf_prog_type, with the attach types and targets each type needs).</summary>
    public static FeatureProbeResult ProbeProgramType(ProgramType type) =>
        Programs.GetOrAdd(type, static t => new Lazy<FeatureProbeResult>(() => Probes.ProgramType(t))).Value;

    /// <summary>Whether maps of <paramref name="type"/> can be created (libbpf_probe_bpf_map_type, with the sizes and flags each type needs).</summary>
    public static FeatureProbeResult ProbeMapType(MapType type) =>
        Maps.GetOrAdd(type, static t => new Lazy<FeatureProbeResult>(() => Probes.MapType(t))).Value;

    /// <summary>
    /// Whether the kernel knows <paramref name="type"/> and has what it needs: the attach type's
    /// own probe, combined with its program type's and its kernel options.
    /// </summary>
    public static FeatureProbeResult ProbeAttachType(AttachType type) =>
        Attach.GetOrAdd(type, static t => new Lazy<FeatureProbeResult>(() => CombineAttach(t))).Value;

    /// <summary>A miscellaneous feature.</summary>
    public static FeatureProbeResult ProbeMisc(MiscFeature feature) =>
        MiscResults.GetOrAdd(feature, static f => new Lazy<FeatureProbeResult>(() => f switch
        {
            MiscFeature.Ringbuf => Derived(f, ProbeMapType(MapType.Ringbuf), "the map type probe of ringbuf"),
            MiscFeature.BpfCookie => Derived(f, ProbeHelper(ProgramType.Kprobe, BpfGetAttachCookie), "the helper probe of bpf_get_attach_cookie for kprobe programs"),
            _ => Probes.Misc(f),
        })).Value;

    // include/uapi/linux/bpf.h: BPF_FUNC_get_attach_cookie.
    private const int BpfGetAttachCookie = 174;

    /// <summary>
    /// Whether programs of <paramref name="type"/> may call helper <paramref name="helperId"/>
    /// (libbpf_probe_bpf_helper). "Not supported" on a kernel new enough to know the helper is a
    /// probe failure only when the kernel claims not to know it at all.
    /// </summary>
    public static FeatureProbeResult ProbeHelper(ProgramType type, int helperId)
    {
        if (helperId <= 0 || helperId >= HelperIds.Count)
            throw new ArgumentOutOfRangeException(nameof(helperId), helperId, $"helper ids are 1 to {HelperIds.Count - 1}");
        var table = Table(type);
        string name = FeatureCatalog.HelperName(helperId);
        string feature = $"helper {name} for {FeatureCatalog.NameOf(type)} programs";
        if (table.Recipe is null)
            return new FeatureProbeResult(FeatureKind.Helper, name, feature, table.TypeStatus == FeatureStatus.Supported ? FeatureStatus.Unknown : table.TypeStatus,
                table.Method, table.Problem, Errno.None, FeatureRequirement.Unknown);
        var answer = table.Answer(helperId);
        return answer switch
        {
            HelperAnswer.Supported => new(FeatureKind.Helper, name, feature, FeatureStatus.Supported, table.Method, null, Errno.None, FeatureRequirements.OfHelper(helperId)),
            HelperAnswer.NotAllowed => new(FeatureKind.Helper, name, feature, FeatureStatus.NotSupported, table.Method,
                $"the kernel has {name}, but {FeatureCatalog.NameOf(type)} programs may not call it", Errno.EINVAL, FeatureRequirement.Unknown),
            HelperAnswer.UnknownToKernel => new(FeatureKind.Helper, name, feature, FeatureStatus.NotSupported, table.Method,
                $"the kernel does not know {name} (invalid func)", Errno.EINVAL, FeatureRequirements.OfHelper(helperId)),
            _ => new(FeatureKind.Helper, name, feature, FeatureStatus.Unknown, table.Method,
                "the load failed before the verifier looked at the call: " + Probes.Describe(table.UndeterminedErrno), table.UndeterminedErrno, FeatureRequirement.Unknown),
        };
    }

    /// <summary>
    /// Every helper programs of <paramref name="type"/> may call, probed in parallel. bpftool
    /// leaves out the helpers whose probe writes to the kernel log (bpf_trace_printk,
    /// bpf_trace_vprintk, bpf_probe_write_user) unless asked for <c>full</c>; so does this
    /// unless <paramref name="includeNoisy"/>.
    /// </summary>
    public static HelperSupport ProbeHelpers(ProgramType type, bool includeNoisy = false)
    {
        var table = Table(type);
        if (table.Recipe is not null)
            RunHelperProbes([table], includeNoisy);
        return table.Snapshot(includeNoisy);
    }

    /// <summary>
    /// Probes everything <c>feature probe</c> prints, as fast as the machine allows: the type,
    /// attach and misc probes and the reading of vmlinux BTF side by side, then every helper of
    /// every program type spread over all CPUs.
    /// </summary>
    public static FeatureReport ProbeAll(bool includeNoisyHelpers = false)
    {
        var clock = Stopwatch.StartNew();
        SystemSettings settings = null!;
        KernelConfig? config = null;
        string? configProblem = null;
        if (!HaveBpfSyscall)
        {
            settings = SystemSettings.Read();
            config = KernelConfig.Current;
            return new FeatureReport(settings, config, KernelConfig.CurrentProblem, false, [], [], [], [], [], includeNoisyHelpers, clock.Elapsed);
        }
        Parallel.Invoke(
            () =>
            {
                foreach (var type in FeatureCatalog.ProgramTypes)
                    ProbeProgramType(type);
                foreach (var type in FeatureCatalog.MapTypes)
                    ProbeMapType(type);
            },
            () =>
            {
                settings = SystemSettings.Read();
                config = KernelConfig.Current;
                configProblem = KernelConfig.CurrentProblem;
                _ = VmlinuxTargets.Current;
            },
            () =>
            {
                foreach (var feature in FeatureCatalog.MiscFeatures)
                {
                    if (feature is not (MiscFeature.Ringbuf or MiscFeature.BpfCookie))
                        ProbeMisc(feature);
                }
                foreach (var type in FeatureCatalog.AttachTypes)
                    RawAttachType(type);
            });
        var tables = FeatureCatalog.ProgramTypes.Select(Table).ToArray();
        RunHelperProbes(tables, includeNoisyHelpers);
        return new FeatureReport(settings, config, configProblem, true,
            FeatureCatalog.ProgramTypes.Select(ProbeProgramType).ToArray(),
            FeatureCatalog.MapTypes.Select(ProbeMapType).ToArray(),
            FeatureCatalog.AttachTypes.Select(ProbeAttachType).ToArray(),
            tables.Select(t => t.Snapshot(includeNoisyHelpers)).ToArray(),
            FeatureCatalog.MiscFeatures.Select(ProbeMisc).ToArray(),
            includeNoisyHelpers, clock.Elapsed);
    }

    private static FeatureProbeResult Derived(MiscFeature feature, FeatureProbeResult from, string what) =>
        new(FeatureKind.Misc, FeatureCatalog.NameOf(feature), FeatureCatalog.DescriptionOf(feature), from.Status,
            $"{what}: {from.Method}", from.Detail, from.Errno, FeatureRequirements.Of(feature));

    private static FeatureProbeResult RawAttachType(AttachType type) =>
        RawAttach.GetOrAdd(type, static t => new Lazy<FeatureProbeResult>(() => Probes.AttachType(t))).Value;

    private static FeatureProbeResult CombineAttach(AttachType type)
    {
        var raw = RawAttachType(type);
        if (raw.Status != FeatureStatus.Supported)
            return raw;
        if (FeatureCatalog.ProgramTypeOf(type) is { } programType && ProbeProgramType(programType) is { Status: not FeatureStatus.Supported } program)
        {
            string detail = program.Status == FeatureStatus.Denied
                ? $"the kernel knows the attach type, but refuses {program.Name} programs here (EPERM)"
                : $"the kernel knows the attach type, but {program.Feature} is {Words(program.Status)}" + (program.Detail is null ? "" : $": {program.Detail}");
            return With(raw, program.Status, detail, program.Errno);
        }
        if (KernelConfig.Current is { } config && raw.Requirement.MissingConfig(config).ToArray() is { Length: > 0 } missing)
            return With(raw, FeatureStatus.NotSupported, $"the kernel knows the attach type, but {string.Join(", ", missing)} {(missing.Length == 1 ? "is" : "are")} not set", raw.Errno);
        return raw;

        static FeatureProbeResult With(FeatureProbeResult r, FeatureStatus status, string detail, Errno errno) =>
            new(r.Kind, r.Name, r.Feature, status, r.Method, detail, errno, r.Requirement);
    }

    internal static string Words(FeatureStatus status) => status switch
    {
        FeatureStatus.Supported => "available",
        FeatureStatus.NotSupported => "not available",
        FeatureStatus.Denied => "refused",
        _ => "undetermined",
    };

    private static HelperTable Table(ProgramType type) =>
        HelperTables.GetOrAdd(type, static t => new Lazy<HelperTable>(() => new HelperTable(t, ProbeProgramType(t)))).Value;

    private static void RunHelperProbes(HelperTable[] tables, bool includeNoisy)
    {
        var work = new List<(HelperTable Table, int Id)>();
        // The types that need vmlinux BTF targets go last, so the others start while it is read.
        foreach (var table in tables.OrderBy(t => t.NeedsVmlinux))
        {
            if (table.TypeStatus != FeatureStatus.Supported || (!table.NeedsVmlinux && table.Recipe is null))
                continue;
            foreach (int id in FeatureCatalog.HelperIds)
            {
                if ((includeNoisy || !FeatureCatalog.IsNoisyHelper(id)) && !table.IsProbed(id))
                    work.Add((table, id));
            }
        }
        if (work.Count == 0)
            return;
        Parallel.For(0, work.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new byte[Probes.LogSize],
            (i, _, log) =>
            {
                var (table, id) = work[i];
                table.Probe(id, log);
                return log;
            },
            _ => { });
    }

    /// <summary>One program type's helper answers, filled in as they are probed.</summary>
    private sealed class HelperTable
    {
        private readonly byte[] _answers = new byte[HelperIds.Count];
        private readonly Lazy<(ProbePrograms.Recipe? Recipe, string? Problem)> _recipe;
        private int _undeterminedErrno;

        public HelperTable(ProgramType type, FeatureProbeResult typeResult)
        {
            Type = type;
            TypeStatus = typeResult.Status;
            TypeResult = typeResult;
            NeedsVmlinux = type is ProgramType.Tracing or ProgramType.Lsm or ProgramType.StructOps;
            _recipe = new(() =>
            {
                if (TypeStatus != FeatureStatus.Supported)
                    return (null, null);
                var recipe = ProbePrograms.ForHelpers(type, out var problem);
                return (recipe, problem);
            });
        }

        public ProgramType Type { get; }

        public FeatureStatus TypeStatus { get; }

        public FeatureProbeResult TypeResult { get; }

        public bool NeedsVmlinux { get; }

        public ProbePrograms.Recipe? Recipe => _recipe.Value.Recipe;

        public string? Problem => TypeStatus switch
        {
            FeatureStatus.Supported => _recipe.Value.Problem,
            FeatureStatus.Denied => $"the kernel refuses {FeatureCatalog.NameOf(Type)} programs here: EPERM",
            _ => $"{TypeResult.Feature} is {Words(TypeStatus)}" + (TypeResult.Detail is null ? "" : $": {TypeResult.Detail}"),
        };

        public string Method => Recipe is { } r ? Probes.HelperMethod(r) : TypeResult.Method;

        public Errno UndeterminedErrno => (Errno)Volatile.Read(ref _undeterminedErrno);

        public bool IsProbed(int id) => Volatile.Read(ref _answers[id]) != (byte)HelperAnswer.Unprobed;

        public void Probe(int id, byte[] log)
        {
            var recipe = Recipe;
            if (recipe is null || IsProbed(id))
                return;
            var answer = Probes.Helper(Type, recipe, id, log, out var errno);
            if (answer == HelperAnswer.Undetermined)
                Interlocked.CompareExchange(ref _undeterminedErrno, (int)errno, 0);
            Volatile.Write(ref _answers[id], (byte)answer);
        }

        public HelperAnswer Answer(int id)
        {
            if (!IsProbed(id))
                Probe(id, new byte[Probes.LogSize]);
            return (HelperAnswer)Volatile.Read(ref _answers[id]);
        }

        public HelperSupport Snapshot(bool includeNoisy)
        {
            if (Recipe is not { } recipe)
            {
                var status = TypeStatus == FeatureStatus.Supported ? FeatureStatus.Unknown : TypeStatus;
                return new HelperSupport(Type, status, TypeResult.Method, Problem, [], [], includeNoisy);
            }
            var helpers = new List<int>();
            var unknown = new List<int>();
            int undetermined = 0;
            foreach (int id in FeatureCatalog.HelperIds)
            {
                if (!includeNoisy && FeatureCatalog.IsNoisyHelper(id))
                    continue;
                switch (Answer(id))
                {
                    case HelperAnswer.Supported: helpers.Add(id); break;
                    case HelperAnswer.UnknownToKernel: unknown.Add(id); break;
                    case HelperAnswer.Undetermined: undetermined++; break;
                }
            }
            if (undetermined > 0 && helpers.Count == 0)
                return new HelperSupport(Type, FeatureStatus.Unknown, Probes.HelperMethod(recipe),
                    $"no load reached the verifier: {Probes.Describe(UndeterminedErrno)}", [], unknown.ToArray(), includeNoisy);
            return new HelperSupport(Type, FeatureStatus.Supported, Probes.HelperMethod(recipe),
                undetermined > 0 ? $"{undetermined} helper probes failed before the verifier: {Probes.Describe(UndeterminedErrno)}" : null,
                helpers.ToArray(), unknown.ToArray(), includeNoisy);
        }
    }
}
