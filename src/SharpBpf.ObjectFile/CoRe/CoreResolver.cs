using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>
/// CO-RE relocation (compile once, run everywhere) as libbpf does it when it loads an object
/// (relo_core.c): each relocation's access is parsed against the object's BTF, target types
/// with the same essential name are matched against it, the local and target values computed,
/// and the instruction patched. Pure: the target is any <see cref="BtfSpec"/>, usually
/// /sys/kernel/btf/vmlinux.
/// </summary>
public static class CoreResolver
{
    private sealed class Resolution
    {
        public CoreSpec? Local;
        public CoreSpec? Target;
        public CoreRelocationValues Values;
        public CoreOutcome Outcome;
        public string? Reason;
        public int Candidates;
    }

    /// <summary>
    /// Resolves every CO-RE relocation of every program of <paramref name="spec"/> against
    /// <paramref name="target"/>. Relocations are resolved in .BTF.ext order with one candidate
    /// list per local type that each relocation narrows, as libbpf does, so the outcome is
    /// libbpf's also when flavors make several targets match. <paramref name="targetName"/>
    /// names the target in the report.
    /// </summary>
    public static CoreReport Resolve(CollectionSpec spec, BtfSpec target, string? targetName = null)
    {
        var results = new List<CoreRelocationResult>();
        if (spec.Btf is not { } local || spec.BtfExt is not { } ext)
            return new CoreReport { ObjectPath = spec.Path, Target = targetName, Relocations = results };

        var candidates = new CoreCandidates(target);
        var resolved = new Dictionary<(string Section, int Index), Resolution>();
        // BtfExt keeps the sections in file order (insertion order of its dictionary).
        foreach (var (section, records) in ext.CoreRelocations)
        {
            for (int i = 0; i < records.Count; i++)
                resolved[(section, i)] = ResolveOne(local, records[i], candidates);
        }

        foreach (var program in spec.Programs.Values)
        {
            foreach (var relocation in program.CoreRelocations)
            {
                var (section, index) = Locate(spec, ext, program, relocation);
                if (!resolved.TryGetValue((section, index), out var resolution))
                    resolution = ResolveOne(local, relocation.Record, candidates);
                results.Add(Report(program, relocation, section, index, resolution, local, target));
            }
        }
        return new CoreReport { ObjectPath = spec.Path, Target = targetName, Relocations = results };
    }

    /// <summary>
    /// The target types that may stand for a local type: same essential name (flavors dropped),
    /// a CO-RE-compatible kind (enum and enum64 are one), searched in a split BTF's base first.
    /// </summary>
    public static IReadOnlyList<BtfTypeId> FindCandidates(BtfSpec local, BtfTypeId localId, BtfSpec target) =>
        CoreCandidates.Find(local, localId, target);

    /// <summary>
    /// A copy of the program's instructions with its relocations from <paramref name="report"/>
    /// applied: immediates, offsets (and load/store sizes), 64-bit immediates, and
    /// <c>call 0xbad2310</c> where a relocation is poisoned. Throws when a relocation is
    /// ambiguous or failed, as libbpf refuses to load then.
    /// </summary>
    public static Instruction[] Apply(ProgramSpec program, CoreReport report)
    {
        var code = (Instruction[])program.Instructions.Clone();
        foreach (var r in report.Relocations)
        {
            if (r.Program != program.Name)
                continue;
            if (r.IsError)
                throw new InvalidOperationException(
                    $"program '{program.Name}': CO-RE relocation #{r.Index} at insn {r.Instruction} ({CoreNames.Of(r.Kind)} {r.LocalAccess}) " +
                    $"is {(r.Outcome == CoreOutcome.Ambiguous ? "ambiguous" : "unsatisfiable")}: {r.Reason}");
            if (r.Instruction + r.Patched.Count > code.Length)
                throw new InvalidOperationException($"program '{program.Name}': CO-RE relocation #{r.Index} patches insn {r.Instruction}, past its end");
            for (int k = 0; k < r.Patched.Count; k++)
                code[r.Instruction + k] = r.Patched[k];
        }
        return code;
    }

    /// <summary>bpf_core_resolve_relo + bpf_core_calc_relo_insn for one .BTF.ext record.</summary>
    private static Resolution ResolveOne(BtfSpec local, CoreRelocationRecord record, CoreCandidates candidates)
    {
        var result = new Resolution();
        var target = candidates.Target;
        if (!local.Contains(record.TypeId) || record.TypeId.IsVoid)
            return Fail(result, $"local type id {record.TypeId} does not exist");
        string access = local.GetString(record.AccessStringOffset);
        var localSpec = CoreSpec.Parse(local, record.TypeId, access, record.Kind, out var parseError);
        if (localSpec is null)
            return Fail(result, $"parsing {CoreNames.DescribeType(local, record.TypeId)} [{record.TypeId}] + {access} failed: {parseError}");
        result.Local = localSpec;

        // The local type id needs no target: it is the object's own id.
        if (record.Kind == CoreRelocationKind.TypeIdLocal)
        {
            result.Values = new CoreRelocationValues { Original = record.TypeId.Value, New = record.TypeId.Value };
            result.Outcome = CoreOutcome.Relocated;
            return result;
        }
        var localType = local.GetType(record.TypeId);
        if (localType.NameOffset == 0 || localType.NameUtf8.IsEmpty)
            return Fail(result, "the local type is anonymous: CO-RE finds targets by name");

        var cands = candidates.Get(local, record.TypeId);
        result.Candidates = cands.Count;
        var matched = new List<BtfTypeId>();
        var misses = new List<string>();
        CoreSpec? best = null;
        CoreRelocationValues values = default;
        foreach (var cand in cands)
        {
            var m = CoreMatcher.SpecMatch(localSpec, target, cand, out var candSpec, out var why);
            if (m == CoreMatch.Error)
                return Fail(result, $"error matching candidate {CoreNames.DescribeType(target, cand)} [{cand}]: {why}");
            if (m == CoreMatch.No)
            {
                if (why is not null)
                    misses.Add(why);
                continue;
            }
            if (!CoreCalculator.TryCalculate(record.Kind, localSpec, candSpec, out var candValues, out var error))
                return Fail(result, error!);
            if (best is null)
            {
                best = candSpec;
                values = candValues;
            }
            else if (candSpec.BitOffset != best.BitOffset)
            {
                result.Outcome = CoreOutcome.Ambiguous;
                result.Reason = $"field offset ambiguity: {best.Describe()} [{best.RootTypeId}] is at bit {best.BitOffset}, " +
                                $"{candSpec.Describe()} [{candSpec.RootTypeId}] at bit {candSpec.BitOffset}";
                return result;
            }
            else if (candValues.Poison != values.Poison || candValues.New != values.New)
            {
                result.Outcome = CoreOutcome.Ambiguous;
                result.Reason = $"relocation decision ambiguity: {best.Describe()} [{best.RootTypeId}] gives {Value(values)}, " +
                                $"{candSpec.Describe()} [{candSpec.RootTypeId}] gives {Value(candValues)}";
                return result;
            }
            matched.Add(cand);
        }

        if (best is not null)
        {
            candidates.Prune(record.TypeId, matched);
            result.Target = best;
            result.Values = values;
            result.Outcome = values.Poison ? CoreOutcome.Poisoned : CoreOutcome.Relocated;
            return result;
        }

        // Nothing matched: existence checks say 0, other kinds poison their instruction.
        if (!CoreCalculator.TryCalculate(record.Kind, localSpec, null, out values, out var noTargetError))
            return Fail(result, noTargetError!);
        result.Values = values;
        result.Outcome = values.Poison ? CoreOutcome.Poisoned : CoreOutcome.NotFound;
        result.Reason = cands.Count == 0
            ? $"the target has no {KindWord(localType.Kind)} named {CoreNames.EssentialName(localType.Name)}"
            : string.Join("; ", misses);
        return result;
    }

    private static string Value(in CoreRelocationValues v) => v.Poison ? "failure" : v.New.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string KindWord(BtfKind kind) => kind switch
    {
        BtfKind.Enum or BtfKind.Enum64 => "enum",
        BtfKind.Fwd => "forward declaration",
        _ => BtfKindNames.Of(kind).ToLowerInvariant(),
    };

    private static Resolution Fail(Resolution r, string reason)
    {
        r.Outcome = CoreOutcome.Failed;
        r.Reason = reason;
        return r;
    }

    /// <summary>
    /// The .BTF.ext section and record index of a program's relocation: its own section for the
    /// function itself, .text for appended sub-programs from there (else its own section).
    /// </summary>
    private static (string Section, int Index) Locate(CollectionSpec spec, BtfExt ext, ProgramSpec program, ProgramCoreRelocation relocation)
    {
        string section = program.SectionName;
        if (relocation.Instruction >= program.OwnLength)
        {
            string? sub = null;
            foreach (var (name, start) in program.SubPrograms)
            {
                if (start <= relocation.Instruction)
                    sub = name;
            }
            if (sub is not null && spec.SubPrograms.ContainsKey(sub))
                section = ".text";
        }
        if (ext.CoreRelocations.TryGetValue(section, out var records))
        {
            int index = records.IndexOf(relocation.Record);
            if (index >= 0)
                return (section, index);
        }
        foreach (var (name, list) in ext.CoreRelocations)
        {
            int index = list.IndexOf(relocation.Record);
            if (index >= 0)
                return (name, index);
        }
        return (section, -1);
    }

    private static CoreRelocationResult Report(ProgramSpec program, ProgramCoreRelocation relocation, string section, int index,
        Resolution resolution, BtfSpec local, BtfSpec target)
    {
        var record = relocation.Record;
        var code = program.Instructions;
        int at = relocation.Instruction;
        bool inRange = at >= 0 && at < code.Length;
        ulong compiled = (inRange ? CoreCalculator.CompiledValue(code, at) : null) ?? resolution.Values.Original;
        var outcome = resolution.Outcome;
        string? reason = resolution.Reason;
        var patch = CorePatchKind.None;
        Instruction[] patched = [];
        int? accessSize = null;
        if (outcome is CoreOutcome.Relocated or CoreOutcome.NotFound or CoreOutcome.Poisoned)
        {
            if (!inRange)
            {
                outcome = CoreOutcome.Failed;
                reason = $"insn #{at} is outside the program ({code.Length} instructions)";
            }
            else if (!CoreCalculator.TryPatch(code, at, resolution.Values, out patched, out patch, out accessSize, out var poisonReason, out var error))
            {
                outcome = CoreOutcome.Failed;
                reason = error;
            }
            else if (patch == CorePatchKind.Poison && outcome != CoreOutcome.Poisoned)
            {
                outcome = CoreOutcome.Poisoned;
                reason = poisonReason;
            }
        }
        bool hasValue = outcome is CoreOutcome.Relocated or CoreOutcome.NotFound;
        var targetSpec = outcome is CoreOutcome.Relocated or CoreOutcome.Poisoned ? resolution.Target : null;
        return new CoreRelocationResult
        {
            Program = program.Name,
            Section = section,
            Index = index,
            Instruction = at,
            Kind = record.Kind,
            LocalTypeId = record.TypeId,
            LocalType = local.Contains(record.TypeId) ? CoreNames.DescribeType(local, record.TypeId) : $"[{record.TypeId}]",
            AccessString = relocation.AccessString,
            LocalAccess = resolution.Local?.Describe() ?? (local.Contains(record.TypeId) ? CoreNames.DescribeType(local, record.TypeId) : "?") + " + " + relocation.AccessString,
            LocalValue = compiled,
            Outcome = outcome,
            TargetValue = hasValue ? resolution.Values.New : null,
            TargetTypeId = targetSpec?.RootTypeId ?? BtfTypeId.Void,
            TargetType = targetSpec is null ? null : CoreNames.DescribeType(target, targetSpec.RootTypeId),
            TargetAccess = targetSpec?.Describe(),
            TargetAccessString = targetSpec is null || CoreNames.IsTypeBased(record.Kind) ? null : targetSpec.RawString(),
            Reason = reason,
            Candidates = resolution.Candidates,
            Patch = outcome is CoreOutcome.Ambiguous or CoreOutcome.Failed ? CorePatchKind.None : patch,
            AccessSize = accessSize,
            Patched = outcome is CoreOutcome.Ambiguous or CoreOutcome.Failed ? [] : patched,
        };
    }
}
