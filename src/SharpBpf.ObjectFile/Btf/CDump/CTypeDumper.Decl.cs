using System.Runtime.CompilerServices;

namespace SharpBpf.ObjectFile.Btf.CDump;

internal sealed partial class CTypeDumper
{
    // A chain this long can only be a reference cycle. Ordering rejects those before anything is
    // written (libbpf would push until it runs out of memory); the bound keeps this loop finite
    // whatever reaches it.
    private const int MaxDeclChain = MaxDepth;

    // btf_dump's decl_stack: every declarator chain works on its own frame at the top.
    private uint[] _declStack = new uint[256];
    private int _declCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PushDecl(uint id)
    {
        if (_declCount == _declStack.Length)
            Array.Resize(ref _declStack, _declStack.Length * 2);
        _declStack[_declCount++] = id;
    }

    /// <summary>
    /// btf_dump_emit_type_decl: the declaration of <paramref name="fname"/> with type
    /// <paramref name="id"/>. BTF lists a declarator from the outside in (typedef -> array -> ptr
    /// -> const -> int) while C writes the base type first and wraps the name in the rest, so the
    /// chain down to the base type is pushed on a stack and written back from the bottom.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitTypeDecl(uint id, DeclName fname, int lvl)
    {
        int start = _declCount;
        for (int n = 0; n < MaxDeclChain; n++)
        {
            PushDecl(id);
            if (id == 0)
                break;
            var t = _btf.GetType(id);
            bool done = false;
            switch (t.Kind)
            {
                case BtfKind.Ptr:
                case BtfKind.Volatile:
                case BtfKind.Const:
                case BtfKind.Restrict:
                case BtfKind.FuncProto:
                case BtfKind.TypeTag:
                    id = t.Type.Value;
                    break;
                case BtfKind.Array:
                    id = t.ArrayElementType.Value;
                    break;
                default:
                    // INT, ENUM, ENUM64, FWD, STRUCT, UNION, TYPEDEF, FLOAT end the chain; any
                    // other kind is unexpected there and ends it too (libbpf warns).
                    done = true;
                    break;
            }
            if (done)
                break;
        }
        int count = _declCount - start;
        EmitTypeChain(start, ref count, fname, lvl);
        _declCount = start;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private BtfKind DeclKind(int start, int index) => _btf.GetType(_declStack[start + index]).Kind;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsModifier(BtfKind kind) =>
        kind is BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag;

    /// <summary>btf_dump_emit_mods: qualifiers right above a base type go to its left (<c>const int</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitMods(int start, ref int count)
    {
        while (count > 0)
        {
            switch (DeclKind(start, count - 1))
            {
                case BtfKind.Volatile:
                    _o.Append("volatile "u8);
                    break;
                case BtfKind.Const:
                    _o.Append("const "u8);
                    break;
                case BtfKind.Restrict:
                    _o.Append("restrict "u8);
                    break;
                default:
                    return;
            }
            count--;
        }
    }

    /// <summary>
    /// btf_dump_drop_mods: qualifiers on arrays and function prototypes mean nothing in C (GCC emits
    /// them for const arrays and noreturn function pointers) and are skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DropMods(int start, ref int count)
    {
        while (count > 0 && IsModifier(DeclKind(start, count - 1)))
            count--;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitName(DeclName fname, bool lastWasPtr)
    {
        if (IsEmpty(fname))
            return;
        if (!lastWasPtr)
            _o.Append(' ');
        Write(fname);
    }

    /// <summary>
    /// btf_dump_emit_type_chain: pops the frame from the base type outwards. Pointers and
    /// qualifiers follow the base type (<c>int * const *</c>); an array or a function prototype
    /// wraps everything still on the stack in parentheses, after which its <c>[N]</c> or its
    /// parameter list follows (<c>int (*(*f)(void))[4]</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitTypeChain(int start, ref int count, DeclName fname, int lvl)
    {
        // Whether the last thing written was a '*', so the next '*' or the name needs no space
        // (int **p). True at the start for the lone pointer of (*name) in a function pointer.
        bool lastWasPtr = true;
        while (count > 0)
        {
            uint id = _declStack[start + --count];
            if (id == 0)
            {
                EmitMods(start, ref count);
                _o.Append("void"u8);
                lastWasPtr = false;
                continue;
            }
            var t = _btf.GetType(id);
            var kind = t.Kind;
            switch (kind)
            {
                case BtfKind.Int:
                case BtfKind.Float:
                    EmitMods(start, ref count);
                    _o.Append(Str(t.NameOffset));
                    break;
                case BtfKind.Struct:
                case BtfKind.Union:
                    EmitMods(start, ref count);
                    if (t.NameOffset == 0)
                        EmitStructDef(id, t, lvl);
                    else
                        EmitStructFwd(id, t);
                    break;
                case BtfKind.Enum:
                case BtfKind.Enum64:
                    EmitMods(start, ref count);
                    if (t.NameOffset == 0)
                        EmitEnumDef(id, t, lvl);
                    else
                        EmitEnumFwd(id, t);
                    break;
                case BtfKind.Fwd:
                    EmitMods(start, ref count);
                    EmitFwdDef(id, t);
                    break;
                case BtfKind.Typedef:
                    EmitMods(start, ref count);
                    Write(IdentName(id, t));
                    break;
                case BtfKind.Ptr:
                    _o.Append(lastWasPtr ? "*"u8 : " *"u8);
                    break;
                case BtfKind.Volatile:
                    _o.Append(" volatile"u8);
                    break;
                case BtfKind.Const:
                    _o.Append(" const"u8);
                    break;
                case BtfKind.Restrict:
                    _o.Append(" restrict"u8);
                    break;
                case BtfKind.TypeTag:
                    EmitMods(start, ref count);
                    _o.Append(" __attribute__((btf_type_tag(\""u8).Append(Str(t.NameOffset)).Append("\")))"u8);
                    break;
                case BtfKind.Array:
                {
                    DropMods(start, ref count);
                    if (count == 0)
                    {
                        EmitName(fname, lastWasPtr);
                        _o.Append('[').Append(t.ArrayLength).Append(']');
                        return;
                    }
                    // int a[2][3] needs no parentheses; int (*a)[3] does.
                    bool multiDim = DeclKind(start, count - 1) == BtfKind.Array;
                    if (!IsEmpty(fname) && !lastWasPtr)
                        _o.Append(' ');
                    if (!multiDim)
                        _o.Append('(');
                    EmitTypeChain(start, ref count, fname, lvl);
                    if (!multiDim)
                        _o.Append(')');
                    _o.Append('[').Append(t.ArrayLength).Append(']');
                    return;
                }
                case BtfKind.FuncProto:
                {
                    DropMods(start, ref count);
                    if (count > 0)
                    {
                        _o.Append(" ("u8);
                        EmitTypeChain(start, ref count, fname, lvl);
                        _o.Append(')');
                    }
                    else
                    {
                        EmitName(fname, lastWasPtr);
                    }
                    _o.Append('(');
                    int vlen = t.Vlen;
                    // No parameters, or clang's single void parameter, is (void).
                    if (vlen == 0 || vlen == 1 && t.Param(0).Type.IsVoid)
                    {
                        _o.Append("void)"u8);
                        return;
                    }
                    for (int i = 0; i < vlen; i++)
                    {
                        if (i > 0)
                            _o.Append(", "u8);
                        var p = t.Param(i);
                        // A trailing void parameter is the "..." of a variadic function.
                        if (i == vlen - 1 && p.Type.IsVoid)
                        {
                            _o.Append("..."u8);
                            break;
                        }
                        EmitTypeDecl(p.Type.Value, new DeclName(p.NameOffset, 0), lvl);
                    }
                    _o.Append(')');
                    return;
                }
                default:
                    // A kind that has no place in a declarator (libbpf warns and stops the chain).
                    return;
            }
            lastWasPtr = kind == BtfKind.Ptr;
        }
        EmitName(fname, lastWasPtr);
    }
}
