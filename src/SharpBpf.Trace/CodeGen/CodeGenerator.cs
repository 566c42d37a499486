using SharpBpf.Core;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.CodeGen;

/// <summary>
/// Turns each probe into eBPF instructions. Integers are computed into r0 (operands spilled to
/// the stack around helper calls, which clobber r1-r5); strings, tuples and keys are built in
/// stack slots; r6 holds the context for the whole program. Every value a map or record stores
/// is written zero-padded so equal keys are equal bytes.
/// </summary>
public sealed partial class CodeGenerator
{
    private const int Ctx = 6;
    private const int Fp = 10;
    private const int MaxStack = 512;

    // struct pt_regs on x86-64 (arch/x86/include/asm/ptrace.h): argument registers di, si, dx, cx, r8, r9.
    private static readonly int[] ArgRegisterOffsets = [112, 104, 96, 88, 72, 64];
    private const int RegsAx = 80;
    private const int RegsIp = 128;

    private readonly ResourcePlan _plan;
    private readonly ITraceEnvironment _env;
    private readonly Probe _probe;
    private readonly AttachPoint _attach;
    private readonly ProbeKind _kind;
    private readonly int _probeId;
    private readonly Emitter _e = new();
    private static Output.KernelSymbols? _kernelSymbols; // kaddr(): /proc/kallsyms, read once
    private readonly Dictionary<string, int> _variables = new(StringComparer.Ordinal);
    private readonly Stack<(int Break, int Continue)> _loops = new();
    private int _stack;
    private int _exit;
    private readonly List<(int Pc, string Text)> _lines = [];
    private string[]? _sourceLines;

    private CodeGenerator(ResourcePlan plan, ITraceEnvironment env, Probe probe, AttachPoint attach, int probeId)
    {
        _plan = plan;
        _env = env;
        _probe = probe;
        _attach = attach;
        _kind = SemanticAnalyzer.KindOf(attach);
        _probeId = probeId;
    }

    /// <summary>True when a probe's code differs per attach point (it reads <c>probe</c> or tracepoint <c>args</c>).</summary>
    public static bool NeedsProgramPerAttachPoint(Probe probe) => Mentions(probe, "probe") || Mentions(probe, "args");

    /// <summary>Generates the program of <paramref name="probe"/> as seen from <paramref name="attach"/>; <paramref name="probeId"/> is what the <c>probe</c> builtin yields.</summary>
    public static ProgramCode Generate(ResourcePlan plan, ITraceEnvironment env, Probe probe, AttachPoint attach, int attachIndex, int probeId)
    {
        var g = new CodeGenerator(plan, env, probe, attach, probeId);
        var code = g.Run();
        return new ProgramCode
        {
            ProbeIndex = probe.Index,
            AttachIndex = attachIndex,
            Kind = g._kind,
            ProgramType = ProgramTypeOf(g._kind),
            Instructions = code,
            Relocations = g._e.Relocations,
            SourceLines = g.PerPcLines(code.Length),
            Name = ProgramName(attach),
        };
    }

    /// <summary>The program type for a probe kind.</summary>
    public static ProgramType ProgramTypeOf(ProbeKind kind) => kind switch
    {
        ProbeKind.Tracepoint => ProgramType.Tracepoint,
        ProbeKind.Uprobe or ProbeKind.Uretprobe => ProgramType.Kprobe,
        ProbeKind.Interval or ProbeKind.Profile or ProbeKind.Software => ProgramType.PerfEvent,
        _ => ProgramType.RawTracepoint, // BEGIN, END and rawtracepoint: BEGIN/END run through BPF_PROG_TEST_RUN
    };

    private static string ProgramName(AttachPoint ap)
    {
        var chars = new System.Text.StringBuilder();
        foreach (char c in ap.Parts.Count > 0 ? ap.Parts[^1] : ap.Provider)
        {
            if (chars.Length == 15)
                break;
            chars.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }
        return chars.ToString();
    }

    private Instruction[] Run()
    {
        _e.MovReg(Ctx, 1);
        _exit = _e.NewLabel();
        var vars = _plan.Semantics.Variables[_probe.Index];
        foreach (var (name, type) in vars)
        {
            int size = ResourcePlan.StoredSize(type);
            int off = Alloc(size);
            Zero(off, size);
            _variables[name] = off;
        }
        if (_probe.Predicate is { } pred)
        {
            NoteLine(pred);
            int mark = _stack;
            Int(pred);
            _e.JumpImm(Opcodes.Jeq, 0, 0, _exit);
            _stack = mark;
        }
        Block(_probe.Body);
        _e.Mark(_exit);
        _e.MovImm(0, 0);
        _e.Exit();
        return _e.Finish();
    }

    private int Alloc(int size)
    {
        _stack += Align8(size);
        if (_stack > MaxStack)
            throw new TraceException($"the probe needs more than {MaxStack} bytes of BPF stack (strings are {SemanticAnalyzer.StringSize} bytes each); split it or use fewer string values at once", _probe.Span);
        return -_stack;
    }

    private static int Align8(int n) => (n + 7) & ~7;

    private void Zero(int off, int size)
    {
        for (int i = 0; i < Align8(size); i += 8)
            _e.StoreImm(8, Fp, off + i, 0);
    }

    private void StackAddress(int reg, int off)
    {
        _e.MovReg(reg, Fp);
        _e.AluImm(Opcodes.Add, reg, off);
    }

    private void MapFd(int reg, int index) => _e.LoadRelocated(reg, new Relocation(RelocationKind.Map, index));

    private Dictionary<int, string> PerPcLines(int count)
    {
        var map = new Dictionary<int, string>();
        int next = 0;
        string? current = null;
        for (int pc = 0; pc < count; pc++)
        {
            while (next < _lines.Count && _lines[next].Pc <= pc)
                current = _lines[next++].Text;
            if (current is not null)
                map[pc] = current;
        }
        return map;
    }

    private void NoteLine(Syntax.Node node)
    {
        _sourceLines ??= _plan.Source.Split('\n');
        int line = node.Span.Line;
        if (line >= 1 && line <= _sourceLines.Length)
            _lines.Add((_e.Count, $"{line}: {_sourceLines[line - 1].Trim()}"));
    }

    private void Block(IReadOnlyList<Statement> statements)
    {
        foreach (var s in statements)
        {
            NoteLine(s);
            int mark = _stack;
            Statement(s);
            _stack = mark;
        }
    }

    private void Statement(Statement s)
    {
        switch (s)
        {
            case ExprStatement es:
                if (es.Expr is Call c)
                    CallStatement(c);
                else if (es.Expr.Type.Kind is TypeKind.Integer or TypeKind.Pointer || es.Expr is IncDec)
                    Int(es.Expr);
                break;
            case Assignment a:
                Assign(a);
                break;
            case IfStatement i:
            {
                int otherwise = _e.NewLabel(), done = _e.NewLabel();
                Int(i.Condition);
                _e.JumpImm(Opcodes.Jeq, 0, 0, otherwise);
                Block(i.Then);
                _e.Jump(done);
                _e.Mark(otherwise);
                Block(i.Else);
                _e.Mark(done);
                break;
            }
            case WhileStatement w:
            {
                int top = _e.NewLabel(), done = _e.NewLabel();
                _e.Mark(top);
                Int(w.Condition);
                _e.JumpImm(Opcodes.Jeq, 0, 0, done);
                _loops.Push((done, top));
                Block(w.Body);
                _loops.Pop();
                _e.Jump(top);
                _e.Mark(done);
                break;
            }
            case UnrollStatement u:
            {
                long n = ConstantOf(u.Count);
                for (long k = 0; k < n; k++)
                    Block(u.Body);
                break;
            }
            case JumpStatement j:
                if (j.Keyword == "return")
                    _e.Jump(_exit);
                else if (_loops.Count > 0)
                    _e.Jump(j.Keyword == "break" ? _loops.Peek().Break : _loops.Peek().Continue);
                break;
        }
    }

    private long ConstantOf(Expr e) => e switch
    {
        IntegerLiteral i => (long)i.Value,
        Unary { Op: "-", Operand: IntegerLiteral i } => -(long)i.Value,
        Positional p when p.Index == 0 => _env.Positional.Count,
        Positional p when p.Index <= _env.Positional.Count && long.TryParse(_env.Positional[p.Index - 1], out long v) => v,
        Positional => 0,
        _ => throw new TraceException("expected an integer literal", e.Span),
    };

    private static bool Mentions(Probe p, string builtin)
    {
        bool found = false;
        void Expr(Expr? e)
        {
            switch (e)
            {
                case null: return;
                case Builtin b: found |= b.Name == builtin; break;
                default:
                    foreach (var child in e.Children)
                        Expr(child);
                    break;
            }
        }
        void Block(IReadOnlyList<Statement> body)
        {
            foreach (var s in body)
            {
                switch (s)
                {
                    case ExprStatement e: Expr(e.Expr); break;
                    case Assignment a: Expr(a.Target); Expr(a.Value); break;
                    case IfStatement i: Expr(i.Condition); Block(i.Then); Block(i.Else); break;
                    case WhileStatement w: Expr(w.Condition); Block(w.Body); break;
                    case UnrollStatement u: Block(u.Body); break;
                }
            }
        }
        Expr(p.Predicate);
        Block(p.Body);
        return found;
    }
}
