using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Runtime.Jit;
using SharpBpf.Runtime.Maps;
using SharpBpf.Verifier;

namespace SharpBpf.Runtime.Hooks;

/// <summary>
/// An object file loaded into the userspace runtime (cilium/ebpf's Collection, without a kernel):
/// every map of the <see cref="CollectionSpec"/> created as a <see cref="UserMap"/> (global data
/// sections as array maps with their contents), programs loaded on demand with their map and
/// data references bound to those maps, and program arrays filled from their <c>.rel.maps</c>
/// initial values. All programs share one map table, so tail calls keep the same layout.
/// </summary>
public sealed class UserCollection : IDisposable
{
    private readonly Dictionary<string, LoadedProgram> _programs = new(StringComparer.Ordinal);
    private readonly List<UserMap> _table = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly ProgramLoadOptions _defaults;

    private UserCollection(CollectionSpec spec, ProgramLoadOptions defaults, int possibleCpus)
    {
        Spec = spec;
        _defaults = defaults;
        var maps = new Dictionary<string, UserMap>(StringComparer.Ordinal);
        foreach (var (name, mapSpec) in spec.Maps)
        {
            UserMap map;
            try
            {
                map = UserMaps.Create(mapSpec, possibleCpus);
            }
            catch (BpfMapException e)
            {
                throw new BpfMapException(e.Errno, $"create map '{name}': {e.Message}");
            }
            _index[name] = _table.Count;
            _table.Add(map);
            maps[name] = map;
        }
        Maps = maps;
    }

    /// <summary>What the object said.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The maps by name (global data by section name: <c>.data</c>, <c>.rodata</c>, <c>.bss</c>).</summary>
    public IReadOnlyDictionary<string, UserMap> Maps { get; }

    /// <summary>The programs loaded so far, by name.</summary>
    public IReadOnlyDictionary<string, LoadedProgram> Programs => _programs;

    /// <summary>
    /// Creates the maps of <paramref name="spec"/>; then loads the programs that program arrays are
    /// initialised with (so tail calls have their targets). <paramref name="defaults"/> gives the
    /// engine, helpers and verification of every program.
    /// </summary>
    public static UserCollection Load(CollectionSpec spec, ProgramLoadOptions? defaults = null, int possibleCpus = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var collection = new UserCollection(spec, defaults ?? new ProgramLoadOptions(), possibleCpus);
        try
        {
            foreach (var (name, mapSpec) in spec.Maps)
            {
                if (collection.Maps[name] is not ProgramArrayMap programs)
                    continue;
                programs.Resolver = id => collection._programs.Values.FirstOrDefault(p => p.Id == id);
                foreach (var (index, target) in mapSpec.InitialValues)
                    programs.Set((int)index, collection.LoadProgram(target));
            }
            return collection;
        }
        catch
        {
            collection.Dispose();
            throw;
        }
    }

    /// <summary>The program named <paramref name="name"/> (loading it first): verified, bound, ready to run or attach.</summary>
    public LoadedProgram LoadProgram(string name)
    {
        if (_programs.TryGetValue(name, out var loaded))
            return loaded;
        if (!Spec.Programs.TryGetValue(name, out var program))
            throw new KeyNotFoundException($"no program '{name}' in {Spec.Path ?? "the object"} (it has {string.Join(", ", Spec.Programs.Keys)})");
        var options = _defaults with { Name = name, Type = program.Type, AttachType = program.AttachType, Maps = _table };
        VerificationResult? verification = null;
        if (options.Verify)
        {
            verification = Verifier.Verifier.Verify(program, Spec, new VerifierOptions { Privileged = options.Privileged });
            if (!verification.Accepted)
                throw new ProgramRejectedException(name, verification);
        }
        loaded = LoadedProgram.Create(RawCode(program), verification, options);
        _programs[name] = loaded;
        return loaded;
    }

    /// <summary>The first program of a section (<c>xdp</c>, <c>tc</c>, ...), loaded.</summary>
    public LoadedProgram LoadSection(string section)
    {
        foreach (var (name, program) in Spec.Programs)
        {
            if (program.SectionName == section)
                return LoadProgram(name);
        }
        throw new KeyNotFoundException($"no program in section '{section}' of {Spec.Path ?? "the object"} (sections: {string.Join(", ", Spec.Programs.Values.Select(p => p.SectionName).Distinct())})");
    }

    /// <summary>The program's code with map references as BPF_PSEUDO_MAP_IDX(_VALUE) into this collection's map table.</summary>
    private Instruction[] RawCode(ProgramSpec program)
    {
        var code = (Instruction[])program.Instructions.Clone();
        foreach (var r in program.References)
        {
            var insn = code[r.Instruction];
            switch (r.Kind)
            {
                case ReferenceKind.Map when _index.TryGetValue(r.Symbol, out int m):
                    code[r.Instruction] = new Instruction(insn.Opcode, insn.Dst, (int)LoadImm64Source.MapIdx, 0, m);
                    code[r.Instruction + 1] = code[r.Instruction + 1].WithImmediate(0);
                    break;
                case ReferenceKind.Data when r.Section is { } section && _index.TryGetValue(section, out int d):
                    code[r.Instruction] = new Instruction(insn.Opcode, insn.Dst, (int)LoadImm64Source.MapIdxValue, 0, d);
                    code[r.Instruction + 1] = code[r.Instruction + 1].WithImmediate((int)r.Offset);
                    break;
                case ReferenceKind.Map:
                case ReferenceKind.Data:
                    throw new ArgumentException($"program '{program.Name}': instruction {r.Instruction} refers to '{r.Symbol}', which is no map of the object");
                case ReferenceKind.Kconfig:
                case ReferenceKind.Ksym:
                case ReferenceKind.Kfunc:
                    throw new ArgumentException($"program '{program.Name}': '{r.Symbol}' ({r.Kind}) needs the kernel; the userspace runtime has no kernel symbols");
            }
        }
        return code;
    }

    /// <summary>Frees the programs' machine code.</summary>
    public void Dispose()
    {
        foreach (var p in _programs.Values)
            p.Dispose();
    }
}
