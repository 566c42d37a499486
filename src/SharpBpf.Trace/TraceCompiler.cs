using SharpBpf.Trace.CodeGen;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Runtime;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace;

/// <summary>
/// The pipeline of named passes: <see cref="Parser"/> (with its <see cref="Lexer"/>), probe
/// expansion (wildcards), <see cref="SemanticAnalyzer"/>, <see cref="ResourcePlan"/> and
/// <see cref="CodeGenerator"/>. Errors are thrown as <see cref="TraceCompileException"/>.
/// </summary>
public static class TraceCompiler
{
    /// <summary>Parses a script; syntax errors become a <see cref="TraceCompileException"/>.</summary>
    public static ScriptAst Parse(string source)
    {
        try
        {
            return Parser.Parse(source);
        }
        catch (TraceException e)
        {
            var first = new TraceDiagnostic(e.Message, e.Span);
            if (e.Message == "unterminated string")
            {
                // bpftrace's lexer then hits the end of the file: a second error, over the same span,
                // or at the start of the next line when the string ran into a newline.
                var s = e.Span!.Value;
                bool newline = s.End > 0 && s.End <= source.Length && source[s.End - 1] == '\n';
                var eof = newline ? new SourceSpan(s.End, s.End, s.Line + 1, 1, 1) : s;
                throw new TraceCompileException([first, new TraceDiagnostic("syntax error, unexpected end of file", eof)]);
            }
            throw new TraceCompileException([first]);
        }
    }

    /// <summary>Runs every pass over <paramref name="source"/>.</summary>
    public static CompiledScript Compile(string source, ITraceEnvironment env)
    {
        var ast = Parse(source);
        var semantics = SemanticAnalyzer.Analyze(ast, env);
        var targets = Expand(ast, env);
        try
        {
            var plan = ResourcePlan.Create(ast, semantics);
            var programs = new List<(ProgramCode, IReadOnlyList<ProbeTarget>)>();
            foreach (var probe in ast.Probes)
            {
                var mine = targets.FindAll(t => t.Probe == probe);
                if (mine.Count == 0)
                    continue;
                bool perTarget = CodeGenerator.NeedsProgramPerAttachPoint(probe) || mine.Exists(t => t.Kind != mine[0].Kind);
                if (perTarget)
                {
                    for (int i = 0; i < mine.Count; i++)
                        programs.Add((CodeGenerator.Generate(plan, env, probe, mine[i].Point, i, mine[i].Id), [mine[i]]));
                }
                else
                {
                    programs.Add((CodeGenerator.Generate(plan, env, probe, mine[0].Point, -1, mine[0].Id), mine));
                }
            }
            return new CompiledScript { Ast = ast, Semantics = semantics, Plan = plan, Targets = targets, Programs = programs };
        }
        catch (TraceException e)
        {
            throw new TraceCompileException([new TraceDiagnostic(e.Message, e.Span)]);
        }
    }

    private static List<ProbeTarget> Expand(ScriptAst ast, ITraceEnvironment env)
    {
        var targets = new List<ProbeTarget>();
        var errors = new List<TraceDiagnostic>();
        foreach (var probe in ast.Probes)
        {
            foreach (var ap in probe.AttachPoints)
            {
                var kind = SemanticAnalyzer.KindOf(ap);
                if (kind == ProbeKind.Tracepoint && env is TracefsEnvironment fs &&
                    (TracefsEnvironment.HasWildcard(ap.Parts[0]) || TracefsEnvironment.HasWildcard(ap.Parts[1])))
                {
                    foreach (var (cat, name) in fs.ExpandTracepoints(ap.Parts[0], ap.Parts[1]))
                    {
                        var concrete = new AttachPoint { Raw = $"tracepoint:{cat}:{name}", Provider = ap.Provider, Parts = [cat, name], Span = ap.Span };
                        targets.Add(new ProbeTarget(probe, concrete, kind, targets.Count));
                    }
                    continue;
                }
                if (kind is ProbeKind.Uprobe or ProbeKind.Uretprobe && ap.Parts.Count == 2 && TracefsEnvironment.HasWildcard(ap.Parts[1]) && !TracefsEnvironment.HasWildcard(ap.Parts[0]))
                {
                    string bin = TraceSession.ResolveBinary(ap.Parts[0]);
                    IEnumerable<string> names;
                    try
                    {
                        names = Probes.ElfSymbolTable.Load(bin).FunctionNames();
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Core.Diagnostics.BpfFormatException)
                    {
                        errors.Add(new TraceDiagnostic($"could not read the symbols of {bin}: {e.Message}", ap.Span));
                        continue;
                    }
                    var matches = new SortedSet<string>(StringComparer.Ordinal);
                    foreach (var n in names)
                    {
                        if (Probes.Wildcard.IsMatch(ap.Parts[1], n))
                            matches.Add(n);
                    }
                    foreach (var n in matches)
                    {
                        var concrete = new AttachPoint { Raw = $"{ap.Provider}:{ap.Parts[0]}:{n}", Provider = ap.Provider, Parts = [ap.Parts[0], n], Span = ap.Span };
                        targets.Add(new ProbeTarget(probe, concrete, kind, targets.Count));
                    }
                    continue;
                }
                if (kind is not (ProbeKind.Tracepoint or ProbeKind.Begin or ProbeKind.End) && ap.Parts.Any(TracefsEnvironment.HasWildcard))
                {
                    errors.Add(new TraceDiagnostic($"wildcards are supported in tracepoint names and uprobe function names only in SharpBpf: {ap.Raw}", ap.Span));
                    continue;
                }
                targets.Add(new ProbeTarget(probe, ap, kind, targets.Count));
            }
        }
        if (errors.Count > 0)
            throw new TraceCompileException(errors);
        return targets;
    }
}
