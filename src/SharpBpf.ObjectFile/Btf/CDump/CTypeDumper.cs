using System.Runtime.CompilerServices;
using SharpBpf.Core.Diagnostics;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Btf.CDump;

/// <summary>
/// A port of libbpf's btf_dump (BTF to compilable C) as bpftool 7.1 links it: libbpf 1.1 from
/// Linux 6.1.y, which carries the stable backports of the December 2022 padding and packing fixes
/// but not the later enum <c>mode(byte)</c>/<c>mode(word)</c> attributes or kind_flag type tags.
/// One instance dumps one spec; the per-type state (ordering, emission, forward declarations,
/// resolved names) lives in flat arrays indexed by type id.
/// </summary>
/// <remarks>
/// Split by concern: ordering here (the topological sort with strong and weak links), emission of
/// definitions in <c>CTypeDumper.Emit.cs</c>, declarators in <c>CTypeDumper.Decl.cs</c>, name
/// deduplication in <c>CTypeDumper.Names.cs</c>.
/// </remarks>
internal sealed partial class CTypeDumper
{
    // enum btf_dump_type_order_state and btf_dump_type_emit_state; 0 (NOT_ORDERED, NOT_EMITTED)
    // is the arrays' initial value.
    private const byte Ordering = 1, Ordered = 2;
    private const byte NotEmitted = 0, Emitting = 1, Emitted = 2;

    // struct btf_dump_type_aux_state's single-bit fields.
    private const byte FwdEmitted = 1, NameResolved = 2, Referenced = 4;

    private const int ELoop = 40, EInval = 22;

    // Deeper than any C declaration nests (vmlinux needs 14); bounds the recursion on malformed BTF.
    private const int MaxDepth = 1000;

    private enum Failure { Cycle, TooDeep, BadKind }

    private readonly BtfSpec _btf;
    private readonly CodeBuffer _o;
    private readonly BtfLayout _layout;
    private readonly byte[] _order;
    private readonly byte[] _emit;
    private readonly byte[] _flags;
    private uint[] _emitQueue = new uint[64];
    private int _emitQueueCount;
    private int _depth;

    // Where and why ordering failed, for the error message.
    private uint _failedId;
    private Failure _failure;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CTypeDumper(BtfSpec btf, Utf8Output output)
    {
        _btf = btf;
        _o = new CodeBuffer(output);
        _layout = new BtfLayout(btf);
        int n = btf.TypeCount;
        _order = new byte[n];
        _emit = new byte[n];
        _flags = new byte[n];
        _dup = new int[n];
        _typeNames = new NameCounter(btf, Math.Min(n, 1 << 16));
        _identNames = new NameCounter(btf, Math.Min(n, 1 << 16));
        _order[0] = Ordered; // void is always defined
        _emit[0] = Emitted;
        for (uint id = 1; id < (uint)n; id++)
            MarkReferenced(btf.GetType(id));
    }

    /// <summary>
    /// btf_dump__dump_type: the type and every type it needs, in an order C accepts, skipping what
    /// earlier calls emitted. Throws on a cycle C cannot express (bpftool stops there too) and on
    /// reference chains too deep to be anything but a cycle (where libbpf overflows its stack).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DumpType(uint id)
    {
        _emitQueueCount = 0;
        if (OrderType(id, false) < 0)
        {
            string message = _failure switch
            {
                Failure.TooDeep => $"type [{_failedId}] is nested more than {MaxDepth} references deep (a reference cycle?)",
                Failure.BadKind => $"type [{_failedId}] {BtfKindNames.Of(_btf.GetType(_failedId).Kind)} has no C form",
                _ => $"type [{_failedId}] is part of a type cycle C cannot express (libbpf: unsatisfiable type cycle)",
            };
            message += $"; the dump stops before type [{id}]";
            throw new BpfFormatException(new Diagnostic(ObjectDiagnosticIds.BtfBadTypeId, message, SourceLocation.None));
        }
        for (int i = 0; i < _emitQueueCount; i++)
            EmitType(_emitQueue[i], 0);
    }

    /// <summary>Writes out what is still buffered.</summary>
    public void Flush() => _o.Flush();

    /// <summary>
    /// btf_dump_mark_referenced: an anonymous enum nobody refers to is a top-level declaration of
    /// constants and gets emitted on its own; a referenced one is written inline where it is used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkReferenced(BtfType t)
    {
        switch (t.Kind)
        {
            case BtfKind.Volatile:
            case BtfKind.Const:
            case BtfKind.Restrict:
            case BtfKind.Ptr:
            case BtfKind.Typedef:
            case BtfKind.Func:
            case BtfKind.Var:
            case BtfKind.DeclTag:
            case BtfKind.TypeTag:
                _flags[t.Type.Value] |= Referenced;
                break;
            case BtfKind.Array:
                _flags[t.ArrayIndexType.Value] |= Referenced;
                _flags[t.ArrayElementType.Value] |= Referenced;
                break;
            case BtfKind.Struct:
            case BtfKind.Union:
                for (int i = 0; i < t.Vlen; i++)
                    _flags[t.Member(i).Type.Value] |= Referenced;
                break;
            case BtfKind.FuncProto:
                for (int i = 0; i < t.Vlen; i++)
                    _flags[t.Param(i).Type.Value] |= Referenced;
                break;
            case BtfKind.Datasec:
                for (int i = 0; i < t.Vlen; i++)
                    _flags[t.VarSecInfo(i).Type.Value] |= Referenced;
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue(uint id)
    {
        if (_emitQueueCount == _emitQueue.Length)
            Array.Resize(ref _emitQueue, _emitQueue.Length * 2);
        _emitQueue[_emitQueueCount++] = id;
    }

    /// <summary>
    /// btf_dump_order_type: a depth-first topological sort that queues named definitions after
    /// everything they embed. Returns 1 when the path to <paramref name="id"/> is a strong link (the
    /// type must be complete before its user), 0 for a weak one (a forward declaration will do: a
    /// pointer to a named struct), or a negative errno for a cycle C cannot express.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int OrderType(uint id, bool throughPtr)
    {
        // libbpf recurses without limit and overflows its stack on a reference cycle that never
        // reaches a struct (ptr -> const -> ptr, typedef -> typedef); here such BTF is an error.
        if (_depth == MaxDepth)
        {
            _failedId = id;
            _failure = Failure.TooDeep;
            return -ELoop;
        }
        _depth++;
        int result = OrderTypeAt(id, throughPtr);
        _depth--;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int OrderTypeAt(uint id, bool throughPtr)
    {
        byte state = _order[id];
        if (state == Ordered)
            return 1;
        var t = _btf.GetType(id);
        var kind = t.Kind;
        if (state == Ordering)
        {
            // A loop through a pointer to a named struct/union is broken by a forward declaration.
            if (kind is BtfKind.Struct or BtfKind.Union && throughPtr && t.NameOffset != 0)
                return 0;
            _failedId = id;
            _failure = Failure.Cycle;
            return -ELoop;
        }

        int err;
        switch (kind)
        {
            case BtfKind.Int:
            case BtfKind.Float:
                _order[id] = Ordered;
                return 0;
            case BtfKind.Ptr:
                err = OrderType(t.Type.Value, true);
                _order[id] = Ordered;
                return err;
            case BtfKind.Array:
                return OrderType(t.ArrayElementType.Value, false);
            case BtfKind.Struct:
            case BtfKind.Union:
            {
                // Strong only when embedded (no pointer on the path) or anonymous (defined inline).
                if (throughPtr && t.NameOffset != 0)
                    return 0;
                _order[id] = Ordering;
                int vlen = t.Vlen;
                for (int i = 0; i < vlen; i++)
                {
                    err = OrderType(t.Member(i).Type.Value, false);
                    if (err < 0)
                        return err;
                }
                if (t.NameOffset != 0)
                    Enqueue(id);
                _order[id] = Ordered;
                return 1;
            }
            case BtfKind.Enum:
            case BtfKind.Enum64:
            case BtfKind.Fwd:
                if (t.NameOffset != 0 || (_flags[id] & Referenced) == 0)
                    Enqueue(id);
                _order[id] = Ordered;
                return 1;
            case BtfKind.Typedef:
            {
                int isStrong = OrderType(t.Type.Value, throughPtr);
                if (isStrong < 0)
                    return isStrong;
                // Like a struct: through a pointer, a typedef of a weak target can wait.
                if (throughPtr && isStrong == 0)
                    return 0;
                Enqueue(id);
                _order[id] = Ordered;
                return 1;
            }
            case BtfKind.Volatile:
            case BtfKind.Const:
            case BtfKind.Restrict:
            case BtfKind.TypeTag:
                return OrderType(t.Type.Value, throughPtr);
            case BtfKind.FuncProto:
            {
                err = OrderType(t.Type.Value, throughPtr);
                if (err < 0)
                    return err;
                bool isStrong = err > 0;
                int vlen = t.Vlen;
                for (int i = 0; i < vlen; i++)
                {
                    err = OrderType(t.Param(i).Type.Value, throughPtr);
                    if (err < 0)
                        return err;
                    if (err > 0)
                        isStrong = true;
                }
                return isStrong ? 1 : 0;
            }
            case BtfKind.Func:
            case BtfKind.Var:
            case BtfKind.Datasec:
            case BtfKind.DeclTag:
                _order[id] = Ordered;
                return 0;
            default:
                _failedId = id;
                _failure = Failure.BadKind;
                return -EInval;
        }
    }
}
