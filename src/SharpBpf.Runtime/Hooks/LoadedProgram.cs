using SharpBpf.Core;
using SharpBpf.Runtime.Helpers;
using SharpBpf.Runtime.Jit;
using SharpBpf.Runtime.Maps;
using SharpBpf.Verifier;
using VerifierRegion = SharpBpf.Verifier.MemoryRegionKind;

namespace SharpBpf.Runtime.Hooks;

/// <summary>
/// A program loaded into the userspace runtime (the kernel's <c>struct bpf_prog</c>): verified,
/// its map references bound to <see cref="UserMap"/>s, its context accesses translated, and an
/// engine ready. Every run sees the same address space layout: region 2 the context, region 3
/// the packet (empty when there is none), then one region per map
/// (<see cref="FirstMapRegion"/> + index) holding the map's values; <c>lddw</c> of a map loads a
/// handle that only helpers understand, <c>lddw</c> of global data the address inside the data
/// map's region. Tail calls and <c>bpf_loop</c> callbacks run here, outside the engines.
/// </summary>
public sealed partial class LoadedProgram : IDisposable
{
    /// <summary>The context's region.</summary>
    public const int ContextRegion = 2;

    /// <summary>The packet's region.</summary>
    public const int PacketRegion = 3;

    /// <summary>The region of map 0's values.</summary>
    public const int FirstMapRegion = 4;

    private static int s_nextId;
    private readonly EngineSelection _engine;
    private readonly Instruction[] _code;
    private readonly Dictionary<int, EngineSelection> _callbacks = [];
    private readonly JitOptions? _jitOptions;
    private readonly Instruction[] _raw;
    private readonly ProgramLoadOptions _options;

    private LoadedProgram(string name, ProgramType type, Instruction[] raw, Instruction[] code, IReadOnlyList<UserMap> maps, HelperRegistry helpers,
        VerificationResult? verification, ProgramLoadOptions options)
    {
        _raw = raw;
        _options = options;
        Name = name;
        Type = type;
        Maps = maps;
        Helpers = helpers;
        Verification = verification;
        Id = (uint)Interlocked.Increment(ref s_nextId);
        _code = code;
        _jitOptions = options.TrustVerifier && verification is { Accepted: true } ? new JitOptions { ProvenAccesses = verification.Facts.AccessInBounds } : null;
        _engine = ExecutionEngines.Create(code, helpers, options.Engine, _jitOptions);
        _engine.Engine.InstructionBudget = options.InstructionBudget;
    }

    /// <summary>The program's name.</summary>
    public string Name { get; }

    /// <summary>The program type.</summary>
    public ProgramType Type { get; }

    /// <summary>A process-wide id (what a program array stores, as the kernel's prog id).</summary>
    public uint Id { get; }

    /// <summary>The maps the program's map references index.</summary>
    public IReadOnlyList<UserMap> Maps { get; }

    /// <summary>The helpers it calls.</summary>
    public HelperRegistry Helpers { get; }

    /// <summary>The verifier's verdict, or null when loaded without verification.</summary>
    public VerificationResult? Verification { get; private set; }

    /// <summary>Whether the verifier accepted the program (hooks run only those).</summary>
    public bool IsVerified => Verification is { Accepted: true };

    /// <summary>The engine running the program (the JIT may have fallen back to the interpreter).</summary>
    public EngineKind Engine => _engine.Kind;

    /// <summary>Why the JIT was asked for but the interpreter runs, or null.</summary>
    public string? EngineFallbackReason => _engine.FallbackReason;

    /// <summary>Instructions one run may execute.</summary>
    public long InstructionBudget
    {
        get => _engine.Engine.InstructionBudget;
        set => _engine.Engine.InstructionBudget = value;
    }

    /// <summary>The code the engine runs (map references bound, context accesses translated).</summary>
    public ReadOnlySpan<Instruction> Code => _code;

    /// <summary>
    /// Loads a program given as instructions: verifies it (unless <see cref="ProgramLoadOptions.Verify"/>
    /// is off; a rejection throws <see cref="ProgramRejectedException"/>), binds <c>lddw</c> map
    /// references (src 1 and 5 by index in <see cref="ProgramLoadOptions.Maps"/>, src 2 and 6 into
    /// a map's value) and prepares the engine.
    /// </summary>
    public static LoadedProgram Load(ReadOnlySpan<Instruction> program, ProgramLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        VerificationResult? verification = null;
        if (options.Verify)
        {
            verification = VerifyRaw(program, options);
            if (!verification.Accepted)
                throw new ProgramRejectedException(options.Name, verification);
        }
        return Create(program.ToArray(), verification, options);
    }

    internal static LoadedProgram Create(Instruction[] raw, VerificationResult? verification, ProgramLoadOptions options)
    {
        var code = Bind(raw, options.Maps, options.Name);
        if (options.Type == ProgramType.Xdp)
        {
            if (verification is null)
                throw new ArgumentException($"program '{options.Name}': XDP programs need the verifier (their context loads are translated from its facts)", nameof(options));
            XdpContext.Translate(code, verification.Facts, options.Name);
        }
        var helpers = options.Helpers ?? StandardHelpers.Create();
        return new LoadedProgram(options.Name, options.Type, raw, code, options.Maps, helpers, verification, options);
    }

    /// <summary>Verifies now if the program was loaded without verification; throws <see cref="ProgramRejectedException"/> when rejected.</summary>
    internal void EnsureVerified()
    {
        lock (_callbacks)
            Verification ??= VerifyRaw(_raw, _options);
        if (!Verification.Accepted)
            throw new ProgramRejectedException(Name, Verification);
    }

    private static VerificationResult VerifyRaw(ReadOnlySpan<Instruction> program, ProgramLoadOptions options)
    {
        var definitions = new List<MapDefinition>();
        for (int i = 0; i < options.Maps.Count; i++)
            definitions.Add(DefinitionOf(options.Maps[i], i));
        return Verifier.Verifier.Verify(program, new VerifierOptions
        {
            ProgramType = options.Type, ExpectedAttachType = options.AttachType, Maps = definitions, Privileged = options.Privileged,
        });
    }

    /// <summary>A map as the verifier sees it, named by "fd" <paramref name="index"/>.</summary>
    internal static MapDefinition DefinitionOf(UserMap map, int index) => new()
    {
        Name = map.Name, Type = map.Type, KeySize = map.KeySize, ValueSize = map.ValueSize, MaxEntries = map.MaxEntries,
        Flags = map.Flags | (map.ReadOnlyForPrograms ? UserMap.ReadOnlyProgramFlag : 0), Fd = index,
        FrozenContents = map.IsFrozen && map.ReadOnlyForPrograms && map is ArrayMap a ? a.ValueAt(0).ToArray() : null,
    };

    /// <summary>Replaces pseudo <c>lddw</c>s by the constants the runtime gives them.</summary>
    private static Instruction[] Bind(Instruction[] raw, IReadOnlyList<UserMap> maps, string name)
    {
        var code = (Instruction[])raw.Clone();
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (!insn.IsWide || pc + 1 >= code.Length)
                continue;
            ulong? value = (LoadImm64Source)insn.Src switch
            {
                LoadImm64Source.MapFd or LoadImm64Source.MapIdx => RunEnvironment.HandleOf(MapIndex(insn, maps, name, pc)),
                LoadImm64Source.MapValue or LoadImm64Source.MapIdxValue =>
                    ((ulong)(uint)(FirstMapRegion + MapIndex(insn, maps, name, pc)) << 32) | (uint)code[pc + 1].Immediate,
                LoadImm64Source.Func => RunEnvironment.FunctionTag | (uint)(pc + 1 + insn.Immediate),
                LoadImm64Source.Imm64 => null,
                _ => throw new ArgumentException($"program '{name}': pc {pc}: lddw src {insn.Src} (kernel BTF ids) needs the kernel"),
            };
            if (value is { } v)
            {
                code[pc] = new Instruction(insn.Opcode, insn.Dst, 0, 0, (int)(uint)v);
                code[pc + 1] = new Instruction(0, 0, 0, 0, (int)(uint)(v >> 32));
            }
            pc++;
        }
        return code;
    }

    private static int MapIndex(Instruction insn, IReadOnlyList<UserMap> maps, string name, int pc) =>
        (uint)insn.Immediate < (uint)maps.Count ? insn.Immediate
            : throw new ArgumentException($"program '{name}': pc {pc}: lddw names map {insn.Immediate}, but {maps.Count} maps were given");

    /// <summary>Runs the engine for the callback at <paramref name="entry"/> with r1, r2 on a fresh stack.</summary>
    internal ulong InvokeCallback(HelperContext caller, int entry, ulong r1, ulong r2)
    {
        EngineSelection engine;
        lock (_callbacks)
        {
            if (!_callbacks.TryGetValue(entry, out engine!))
            {
                // The callback as its own program: "ja entry" in front of the code.
                var code = new Instruction[_code.Length + 1];
                code[0] = new Instruction(Opcodes.ClassJmp | Opcodes.Ja, 0, 0, checked((short)entry), 0);
                _code.CopyTo(code, 1);
                engine = ExecutionEngines.Create(code, Helpers, _engine.Kind, null);
                engine.Engine.InstructionBudget = InstructionBudget;
                _callbacks.Add(entry, engine);
            }
        }
        var env = caller.Environment!;
        var slot = RunSlot.Rent();
        try
        {
            var map = slot.Map;
            map.Reset();
            var from = caller.Memory;
            for (int i = MemoryMap.StackIndex + 1; i < from.Count; i++)
            {
                var r = from[i];
                map.Add(r.Data, r.Start, r.Length, r.Kind, r.Writable);
            }
            // The callback gets its own stack; the caller's (where callback_ctx usually points) is mapped beside it.
            var stack = from[MemoryMap.StackIndex];
            ulong alias = map.Add(stack.Data, stack.Start, stack.Length, MemoryRegionKind.Stack, true);
            if ((r2 >> 32) == MemoryMap.StackIndex)
                r2 = alias | (uint)r2;
            map.HelperContext.Environment = env;
            map.HelperContext.Output = caller.Output;
            var result = engine.Engine.Run(map, r1, r2, 0);
            if (result.Error is { } error)
                throw new BpfRuntimeException(error with { Message = $"in callback at pc {entry}: {error.Message}" });
            return result.ReturnValue;
        }
        finally
        {
            RunSlot.Return(slot);
        }
    }

    /// <summary>Frees the JIT's code.</summary>
    public void Dispose()
    {
        _engine.Dispose();
        lock (_callbacks)
        {
            foreach (var e in _callbacks.Values)
                e.Dispose();
            _callbacks.Clear();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Id}: {UapiNames.NameOf(Type) ?? Type.ToString()} name {Name}";
}
