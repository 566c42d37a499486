using System.Diagnostics;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Verifier.Domains;
using SharpBpf.Verifier.Passes;
using SharpBpf.Verifier.Programs;

namespace SharpBpf.Verifier;

/// <summary>
/// Verifies eBPF programs without a kernel, in explicit passes (PREVAIL's shape):
/// decode (SharpBpf.Core's validator) -> CFG (functions, loops, unreachable code) -> liveness ->
/// assertions (what each instruction requires) -> fixpoint (abstract interpretation over tnums,
/// ranges, pointer types and the stack, path-sensitive with pruning, merging and widening) ->
/// termination (loop bounds) -> stack depth. Rejections are explained: the instruction, the rule,
/// the path that led there with the values that matter, and a hint.
/// </summary>
public static class Verifier
{
    private const int MaxStack = 512;

    /// <summary>Verifies a program given as instruction slots.</summary>
    public static VerificationResult Verify(ReadOnlySpan<Instruction> program, VerifierOptions? options = null)
    {
        options ??= new VerifierOptions();
        var watch = Stopwatch.StartNew();
        var insns = program.ToArray();
        var facts = new VerifierFacts(insns.Length);

        VerificationResult Reject(VerifierError e) => new()
        {
            Errors = [e], Facts = facts,
            Stats = new VerifierStats { Limit = options.MaxProcessedInstructions, Elapsed = watch.Elapsed },
        };

        // Pass 1: decode.
        if (InstructionValidator.ValidateProgram(insns) is { } bad)
        {
            int pc = bad.Location.Pc;
            return Reject(new VerifierError
            {
                Id = bad.Id, Pc = pc,
                Instruction = pc >= 0 && pc < insns.Length ? Core.Formatting.LlvmFormatter.Instance.Format(insns, pc) : "",
                Rule = "every slot must be a defined instruction with its unused fields zero (RFC 9669)",
                Message = bad.Message,
            });
        }
        var context = ProgramContext.For(options.ProgramType, options.ExpectedAttachType, out string? unsupported);
        if (context is null)
        {
            return Reject(new VerifierError
            {
                Id = VerifierDiagnosticIds.UnsupportedProgramType,
                Rule = "the verifier checks a program against its type's context, helpers and return values",
                Message = unsupported!,
            });
        }
        var maps = new List<MapDefinition>(options.Maps);
        for (int i = 0; i < maps.Count; i++)
        {
            if (maps[i].InnerMap is { } inner && !maps.Contains(inner))
                maps.Add(inner);
        }

        // Pass 2: control flow.
        var cfg = ControlFlowGraph.Build(insns, out var cfgError);
        if (cfg is null)
        {
            var (pc, id, message, hint) = cfgError!.Value;
            return Reject(new VerifierError
            {
                Id = id, Pc = pc, Instruction = Core.Formatting.LlvmFormatter.Instance.Format(insns, pc),
                Rule = "the program must be a set of functions whose instructions are all reachable, with no jump leaving a function, no recursion and every path ending in exit (check_cfg)",
                Message = message, Hint = hint,
            });
        }

        // Pass 3: liveness and assertions.
        var live = Liveness.Compute(cfg);
        var statics = new List<StaticViolation>();
        var assertions = AssertionPass.Build(cfg, context, maps, statics);
        var analyzer = new Analyzer(insns, cfg, live, assertions, context, options, maps);
        if (statics.Count > 0)
        {
            var errors = statics.Take(options.MaxErrors).Select(s => new VerifierError
            {
                Id = s.Id, Pc = s.Pc, Instruction = analyzer.InstructionText(s.Pc), Rule = s.Rule, Message = s.Message, Hint = s.Hint,
                Source = options.SourceLines?.GetValueOrDefault(s.Pc),
            }).ToList();
            return new VerificationResult
            {
                Errors = errors, Facts = facts,
                Stats = new VerifierStats { Limit = options.MaxProcessedInstructions, Elapsed = watch.Elapsed },
            };
        }

        // Pass 4: the fixpoint.
        analyzer.Run(EntryState(context, options));
        var allErrors = new List<VerifierError>(analyzer.Errors);

        // Pass 5: termination, then the stack across calls.
        List<LoopBound> loops = [];
        int stackDepth = 0;
        if (allErrors.Count == 0)
        {
            var (bounds, loopErrors) = new Termination(insns, cfg, analyzer, options).Run();
            loops = bounds;
            allErrors.AddRange(loopErrors.Take(options.MaxErrors));
            stackDepth = StackDepth(cfg, analyzer, allErrors, options);
        }
        analyzer.FinishFacts();
        analyzer.Facts.Loops = loops;
        watch.Stop();
        return new VerificationResult
        {
            Errors = allErrors, Facts = analyzer.Facts, Stats = analyzer.Stats(watch.Elapsed, stackDepth), Log = analyzer.Log,
        };
    }

    /// <summary>
    /// Verifies a program of an object file: its maps (and global data) come from the collection,
    /// each map reference becomes the map's pointer (or a pointer into its value), the type and
    /// attach type come from the section, source lines from BTF line info.
    /// </summary>
    public static VerificationResult Verify(ProgramSpec program, CollectionSpec collection, VerifierOptions? options = null)
    {
        options ??= new VerifierOptions();
        var maps = new List<MapDefinition>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, spec) in collection.Maps)
        {
            index[name] = maps.Count;
            maps.Add(MapDefinition.FromSpec(spec));
        }
        var code = (Instruction[])program.Instructions.Clone();
        foreach (var r in program.References)
        {
            var insn = code[r.Instruction];
            switch (r.Kind)
            {
                case ReferenceKind.Map when index.TryGetValue(r.Symbol, out int m):
                    code[r.Instruction] = new Instruction(insn.Opcode, insn.Dst, (int)LoadImm64Source.MapIdx, 0, m);
                    code[r.Instruction + 1] = code[r.Instruction + 1].WithImmediate(0);
                    break;
                case ReferenceKind.Data when r.Section is { } sec && index.TryGetValue(sec, out int d):
                    code[r.Instruction] = new Instruction(insn.Opcode, insn.Dst, (int)LoadImm64Source.MapIdxValue, 0, d);
                    code[r.Instruction + 1] = code[r.Instruction + 1].WithImmediate((int)r.Offset);
                    break;
                case ReferenceKind.Kconfig when index.TryGetValue(".kconfig", out int k):
                    code[r.Instruction] = new Instruction(insn.Opcode, insn.Dst, (int)LoadImm64Source.MapIdxValue, 0, k);
                    code[r.Instruction + 1] = code[r.Instruction + 1].WithImmediate(KconfigOffset(collection, r.Symbol));
                    break;
                case ReferenceKind.Ksym:
                    if (insn.IsWide)
                        code[r.Instruction] = insn.WithSrc((int)LoadImm64Source.BtfId);
                    break;
            }
        }
        var sources = new Dictionary<int, string>();
        if (collection.Btf is { } btf)
        {
            foreach (var li in program.LineInfos)
            {
                string text = btf.GetString(li.LineOffset).Trim();
                if (text.Length > 0)
                    sources[(int)li.InstructionOffset] = $"{text}  (line {li.Line})";
            }
        }
        // Line info marks the first instruction of a line: carry it to the instructions that follow.
        string? current = null;
        var perPc = new Dictionary<int, string>();
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (sources.TryGetValue(pc, out var s))
                current = s;
            if (current is not null)
                perPc[pc] = current;
        }
        var names = new Dictionary<int, string> { [0] = program.Name };
        foreach (var (name, start) in program.SubPrograms)
            names[start] = name;
        var effective = options with
        {
            ProgramType = options.ProgramType == ProgramType.Unspec ? program.Type : options.ProgramType,
            ExpectedAttachType = options.ExpectedAttachType ?? program.AttachType,
            Maps = maps,
            SourceLines = options.SourceLines ?? perPc,
            FunctionNames = options.FunctionNames ?? names,
        };
        return Verify(code, effective);
    }

    private static int KconfigOffset(CollectionSpec collection, string symbol)
    {
        if (collection.Btf?.FindDatasec(".kconfig") is not { } sec)
            return 0;
        for (int i = 0; i < sec.Vlen; i++)
        {
            var v = sec.VarSecInfo(i);
            if (collection.Btf.GetType(v.Type).Name == symbol)
                return (int)v.Offset;
        }
        return 0;
    }

    private static AbstractState EntryState(ProgramContext context, VerifierOptions options)
    {
        var st = AbstractState.Entry();
        var regs = st.Regs;
        if (context.IsMemoryConvention)
        {
            regs[1] = RegisterValue.Pointer(RegisterType.Mem, range: -1);
            if (options.MemorySize is { } size)
            {
                regs[2] = RegisterValue.Const((ulong)size);
                st.InputLength = size;
            }
            else
            {
                // The length is whatever the caller passes: a 32-bit number, tied to the buffer by an id.
                const int lengthId = 1 << 30;
                regs[2] = RegisterValue.OfScalar(Scalar.FromUnsigned(0, uint.MaxValue)) with { Id = lengthId };
                st.LengthId = lengthId;
            }
        }
        else
        {
            regs[1] = RegisterValue.Pointer(RegisterType.Ctx);
        }
        return st;
    }

    /// <summary>check_max_stack_depth: the frames of the deepest call chain, each rounded up to 16 bytes (the JIT's rule), fit in 512.</summary>
    private static int StackDepth(ControlFlowGraph cfg, Analyzer analyzer, List<VerifierError> errors, VerifierOptions options)
    {
        var depth = analyzer.SubprogramStackDepth;
        int Frame(int s) => (depth[s] + 15) & ~15;
        int worst = 0;
        List<int>? worstChain = null;
        void Walk(int s, int total, List<int> chain)
        {
            total += Frame(s);
            chain.Add(s);
            if (total > worst)
            {
                worst = total;
                worstChain = [.. chain];
            }
            foreach (int c in cfg.Subprograms[s].Callees.Distinct())
                Walk(c, total, chain);
            chain.RemoveAt(chain.Count - 1);
        }
        Walk(0, 0, []);
        if (worst > MaxStack && errors.Count < options.MaxErrors)
        {
            string chainText = string.Join(" -> ", worstChain!.Select(s =>
                $"{options.FunctionNames?.GetValueOrDefault(cfg.Subprograms[s].Start) ?? $"pc {cfg.Subprograms[s].Start}"} ({Frame(s)} bytes)"));
            errors.Add(new VerifierError
            {
                Id = VerifierDiagnosticIds.StackLimit,
                Pc = cfg.Subprograms[worstChain![^1]].Start,
                Instruction = analyzer.InstructionText(cfg.Subprograms[worstChain![^1]].Start),
                Rule = $"the stack frames of a call chain share {MaxStack} bytes (check_max_stack_depth)",
                Message = $"the call chain {chainText} needs {worst} bytes of stack",
                Hint = "move big buffers to a per-CPU array map, or inline functions so their frames merge",
            });
        }
        return worst;
    }
}
