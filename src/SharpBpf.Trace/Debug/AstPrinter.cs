using System.Globalization;
using System.Text;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Debug;

/// <summary>The tree as <c>-d</c> prints it (bpftrace's AST printer: one node per line, one space of indent per level, types after semantic analysis).</summary>
public static class AstPrinter
{
    /// <summary>Prints a script.</summary>
    public static string Print(ScriptAst script)
    {
        var sb = new StringBuilder("Program\n");
        foreach (var p in script.Probes)
        {
            foreach (var ap in p.AttachPoints)
                Line(sb, 1, ap.Raw);
            if (p.Predicate is { } pred)
            {
                Line(sb, 2, "pred");
                Expr(sb, 3, pred);
            }
            Block(sb, 2, p.Body);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int depth, string text) => sb.Append(' ', depth).Append(text).Append('\n');

    private static void Block(StringBuilder sb, int depth, IReadOnlyList<Statement> body)
    {
        foreach (var s in body)
        {
            switch (s)
            {
                case ExprStatement e:
                    Expr(sb, depth, e.Expr);
                    break;
                case Assignment a:
                    Line(sb, depth, a.CompoundOp is null ? "=" : a.CompoundOp + "=");
                    Expr(sb, depth + 1, a.Target);
                    Expr(sb, depth + 1, a.Value);
                    break;
                case IfStatement i:
                    Line(sb, depth, "if");
                    Expr(sb, depth + 1, i.Condition);
                    Line(sb, depth + 1, "then");
                    Block(sb, depth + 2, i.Then);
                    if (i.Else.Count > 0)
                    {
                        Line(sb, depth + 1, "else");
                        Block(sb, depth + 2, i.Else);
                    }
                    break;
                case WhileStatement w:
                    Line(sb, depth, "while(");
                    Expr(sb, depth + 1, w.Condition);
                    Line(sb, depth + 1, ")");
                    Block(sb, depth + 1, w.Body);
                    break;
                case UnrollStatement u:
                    Line(sb, depth, "unroll");
                    Expr(sb, depth + 1, u.Count);
                    Block(sb, depth + 1, u.Body);
                    break;
                case JumpStatement j:
                    Line(sb, depth, j.Keyword);
                    break;
            }
        }
    }

    private static string Typed(string text, Expr e) => e.Type.Kind == Semantics.TypeKind.None ? text : $"{text} :: [{e.Type}]";

    private static void Expr(StringBuilder sb, int depth, Expr e)
    {
        switch (e)
        {
            case IntegerLiteral i:
                Line(sb, depth, Typed("int: " + i.Value.ToString(CultureInfo.InvariantCulture), e));
                break;
            case StringLiteral s:
                Line(sb, depth, Typed("string: " + s.Value.Replace("\n", "\\n", StringComparison.Ordinal), e));
                break;
            case Builtin b:
                Line(sb, depth, Typed("builtin: " + b.Name, e));
                break;
            case Variable v:
                Line(sb, depth, Typed("variable: " + v.Name, e));
                break;
            case Positional p:
                Line(sb, depth, Typed("param: $" + (p.Index == 0 ? "#" : p.Index.ToString(CultureInfo.InvariantCulture)), e));
                break;
            case MapAccess m:
                Line(sb, depth, Typed("map: " + m.Name, e));
                foreach (var k in m.Keys)
                    Expr(sb, depth + 1, k);
                break;
            case Call c:
                Line(sb, depth, Typed("call: " + c.Name, e));
                foreach (var a in c.Arguments)
                    Expr(sb, depth + 1, a);
                break;
            case Binary b:
                Line(sb, depth, Typed(b.Op, e));
                Expr(sb, depth + 1, b.Left);
                Expr(sb, depth + 1, b.Right);
                break;
            case Unary u:
                Line(sb, depth, Typed(u.Op, e));
                Expr(sb, depth + 1, u.Operand);
                break;
            case IncDec i:
                Line(sb, depth, Typed(i.Increment ? (i.Prefix ? "++ (pre)" : "++ (post)") : (i.Prefix ? "-- (pre)" : "-- (post)"), e));
                Expr(sb, depth + 1, i.Target);
                break;
            case Ternary t:
                Line(sb, depth, Typed("?:", e));
                Expr(sb, depth + 1, t.Condition);
                Expr(sb, depth + 1, t.WhenTrue);
                Expr(sb, depth + 1, t.WhenFalse);
                break;
            case FieldAccess f:
                Line(sb, depth, Typed(f.Arrow ? "->" : ".", e));
                Expr(sb, depth + 1, f.Target);
                Line(sb, depth + 1, f.Field);
                break;
            case IndexAccess x:
                Line(sb, depth, Typed("[]", e));
                Expr(sb, depth + 1, x.Target);
                Expr(sb, depth + 1, x.Index);
                break;
            case Cast c:
                Line(sb, depth, Typed($"({c.TypeName}{new string('*', c.PointerDepth)})", e));
                Expr(sb, depth + 1, c.Operand);
                break;
            case TupleExpr t:
                Line(sb, depth, Typed("tuple:", e));
                foreach (var el in t.Elements)
                    Expr(sb, depth + 1, el);
                break;
        }
    }
}
