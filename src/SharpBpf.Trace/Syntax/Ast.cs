using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Syntax;

/// <summary>A node of the script's tree; every node knows its span.</summary>
public abstract class Node
{
    /// <summary>Where the node is written.</summary>
    public SourceSpan Span { get; init; }
}

/// <summary>An expression; semantic analysis fills <see cref="Type"/>.</summary>
public abstract class Expr : Node
{
    /// <summary>The type semantic analysis gave this expression.</summary>
    public TraceType Type { get; set; } = TraceType.None;

    /// <summary>The expressions directly inside this one, in source order (for passes that walk the tree).</summary>
    public virtual IEnumerable<Expr> Children => [];
}

/// <summary>An integer literal.</summary>
public sealed class IntegerLiteral : Expr
{
    /// <summary>The value (as written, before sign).</summary>
    public required ulong Value { get; init; }
}

/// <summary>A string literal.</summary>
public sealed class StringLiteral : Expr
{
    /// <summary>The unescaped text.</summary>
    public required string Value { get; init; }
}

/// <summary>A builtin variable: <c>pid</c>, <c>comm</c>, <c>args</c>, <c>arg0</c>, ...</summary>
public sealed class Builtin : Expr
{
    /// <summary>The name.</summary>
    public required string Name { get; init; }
}

/// <summary>A scratch variable <c>$x</c>.</summary>
public sealed class Variable : Expr
{
    /// <summary>The name with its <c>$</c>.</summary>
    public required string Name { get; init; }
}

/// <summary>A positional parameter <c>$1</c> or the count <c>$#</c>.</summary>
public sealed class Positional : Expr
{
    /// <summary>The index (1-based), or 0 for <c>$#</c>.</summary>
    public required int Index { get; init; }
}

/// <summary>A map read or the target of a map assignment: <c>@x</c>, <c>@x[k]</c>, <c>@x[k1, k2]</c>.</summary>
public sealed class MapAccess : Expr
{
    /// <summary>The name with its <c>@</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The keys; empty for a scalar map.</summary>
    public required IReadOnlyList<Expr> Keys { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => Keys;
}

/// <summary>A function call: <c>printf(...)</c>, <c>count()</c>, <c>str(p)</c>.</summary>
public sealed class Call : Expr
{
    /// <summary>The function.</summary>
    public required string Name { get; init; }

    /// <summary>The arguments.</summary>
    public required IReadOnlyList<Expr> Arguments { get; init; }

    /// <summary>The span of the name alone.</summary>
    public SourceSpan NameSpan { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => Arguments;
}

/// <summary>A binary operation.</summary>
public sealed class Binary : Expr
{
    /// <summary>The operator as written.</summary>
    public required string Op { get; init; }

    /// <summary>The left operand.</summary>
    public required Expr Left { get; init; }

    /// <summary>The right operand.</summary>
    public required Expr Right { get; init; }

    /// <summary>The operator's own span (bpftrace underlines it for operator errors).</summary>
    public SourceSpan OpSpan { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Left, Right];
}

/// <summary>A unary operation: <c>!</c>, <c>~</c>, <c>-</c>, <c>*</c> (dereference), <c>&amp;</c>.</summary>
public sealed class Unary : Expr
{
    /// <summary>The operator.</summary>
    public required string Op { get; init; }

    /// <summary>The operand.</summary>
    public required Expr Operand { get; init; }

    /// <summary>The operator's own span (bpftrace locates a unary operator's errors there).</summary>
    public SourceSpan OpSpan { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Operand];
}

/// <summary><c>$x++</c>, <c>++@y</c>, <c>$x--</c>.</summary>
public sealed class IncDec : Expr
{
    /// <summary>The variable or map.</summary>
    public required Expr Target { get; init; }

    /// <summary>True for ++.</summary>
    public required bool Increment { get; init; }

    /// <summary>True when the operator comes first (the value is the new one).</summary>
    public required bool Prefix { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Target];
}

/// <summary><c>c ? a : b</c>.</summary>
public sealed class Ternary : Expr
{
    /// <summary>The condition.</summary>
    public required Expr Condition { get; init; }

    /// <summary>The value when true.</summary>
    public required Expr WhenTrue { get; init; }

    /// <summary>The value when false.</summary>
    public required Expr WhenFalse { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Condition, WhenTrue, WhenFalse];
}

/// <summary><c>e-&gt;field</c> or <c>e.field</c>.</summary>
public sealed class FieldAccess : Expr
{
    /// <summary>The struct or pointer.</summary>
    public required Expr Target { get; init; }

    /// <summary>The field.</summary>
    public required string Field { get; init; }

    /// <summary>True for <c>-&gt;</c>.</summary>
    public required bool Arrow { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Target];
}

/// <summary><c>e[i]</c> on a pointer or array.</summary>
public sealed class IndexAccess : Expr
{
    /// <summary>The array or pointer.</summary>
    public required Expr Target { get; init; }

    /// <summary>The index.</summary>
    public required Expr Index { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Target, Index];
}

/// <summary>A cast: <c>(uint8)e</c>, <c>(struct task_struct *)e</c>.</summary>
public sealed class Cast : Expr
{
    /// <summary>The type as written (<c>uint8</c>, <c>struct task_struct</c>).</summary>
    public required string TypeName { get; init; }

    /// <summary>How many <c>*</c> follow the type.</summary>
    public required int PointerDepth { get; init; }

    /// <summary>The operand.</summary>
    public required Expr Operand { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => [Operand];
}

/// <summary>A tuple: <c>(a, b, c)</c>.</summary>
public sealed class TupleExpr : Expr
{
    /// <summary>The elements (two or more).</summary>
    public required IReadOnlyList<Expr> Elements { get; init; }

    /// <inheritdoc/>
    public override IEnumerable<Expr> Children => Elements;
}

/// <summary>A statement.</summary>
public abstract class Statement : Node;

/// <summary>An expression used for its effect: a call, an increment.</summary>
public sealed class ExprStatement : Statement
{
    /// <summary>The expression.</summary>
    public required Expr Expr { get; init; }
}

/// <summary><c>@m[k] = e</c>, <c>$x = e</c>, or a compound form (<c>+=</c>, ...).</summary>
public sealed class Assignment : Statement
{
    /// <summary>A <see cref="MapAccess"/> or a <see cref="Variable"/>.</summary>
    public required Expr Target { get; init; }

    /// <summary>The value.</summary>
    public required Expr Value { get; init; }

    /// <summary>The operator of a compound assignment (<c>+</c> for <c>+=</c>), or null.</summary>
    public string? CompoundOp { get; init; }

    /// <summary>The assignment operator's span.</summary>
    public SourceSpan OpSpan { get; init; }
}

/// <summary><c>if (c) { } else { }</c>.</summary>
public sealed class IfStatement : Statement
{
    /// <summary>The condition.</summary>
    public required Expr Condition { get; init; }

    /// <summary>The then branch.</summary>
    public required IReadOnlyList<Statement> Then { get; init; }

    /// <summary>The else branch (empty when absent).</summary>
    public required IReadOnlyList<Statement> Else { get; init; }
}

/// <summary><c>while (c) { }</c>.</summary>
public sealed class WhileStatement : Statement
{
    /// <summary>The condition.</summary>
    public required Expr Condition { get; init; }

    /// <summary>The body.</summary>
    public required IReadOnlyList<Statement> Body { get; init; }
}

/// <summary><c>unroll (n) { }</c>.</summary>
public sealed class UnrollStatement : Statement
{
    /// <summary>The count expression (an integer literal or positional parameter).</summary>
    public required Expr Count { get; init; }

    /// <summary>The body.</summary>
    public required IReadOnlyList<Statement> Body { get; init; }
}

/// <summary><c>break</c>, <c>continue</c> or <c>return</c>.</summary>
public sealed class JumpStatement : Statement
{
    /// <summary>The keyword.</summary>
    public required string Keyword { get; init; }
}

/// <summary>One attach point: <c>tracepoint:syscalls:sys_enter_openat</c>, split into its parts.</summary>
public sealed class AttachPoint : Node
{
    /// <summary>The text as written.</summary>
    public required string Raw { get; init; }

    /// <summary>The provider with its short forms expanded (<c>t</c> becomes <c>tracepoint</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>The parts after the provider.</summary>
    public required IReadOnlyList<string> Parts { get; init; }
}

/// <summary>A probe: attach points, an optional predicate and the action block.</summary>
public sealed class Probe : Node
{
    /// <summary>Where it attaches.</summary>
    public required IReadOnlyList<AttachPoint> AttachPoints { get; init; }

    /// <summary>The filter, or null.</summary>
    public Expr? Predicate { get; init; }

    /// <summary>The action.</summary>
    public required IReadOnlyList<Statement> Body { get; init; }

    /// <summary>The probe's index in the script.</summary>
    public int Index { get; init; }
}

/// <summary>A whole script.</summary>
public sealed class ScriptAst : Node
{
    /// <summary>The probes in order.</summary>
    public required IReadOnlyList<Probe> Probes { get; init; }

    /// <summary>The source text.</summary>
    public required string Source { get; init; }
}
