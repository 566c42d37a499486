using SharpBpf.Trace.CodeGen;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace;

/// <summary>
/// The pipeline of named passes: <see cref="Parser"/> (with its <see cref="Lexer"/>), probe
/// expansion (<see cref="ProbeExpansion"/>: wildcards, uprobe binaries), <see cref="SemanticAnalyzer"/>, <see cref="ResourcePlan"/> and
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
        // bpftrace's attach point parser runs before semantic analysis: its errors come first
        var warnings = new List<TraceDiagnostic>();
        var targets = ProbeExpansion.Expand(ast, env, warnings);
        var semantics = SemanticAnalyzer.Analyze(ast, env);
        warnings.AddRange(semantics.Warnings);
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
            return new CompiledScript { Ast = ast, Semantics = semantics, Plan = plan, Targets = targets, Programs = programs, Warnings = warnings };
        }
        catch (TraceException e)
        {
            throw new TraceCompileException([new TraceDiagnostic(e.Message, e.Span)]);
        }
    }
}
