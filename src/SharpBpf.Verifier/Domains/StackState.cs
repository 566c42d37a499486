namespace SharpBpf.Verifier.Domains;

/// <summary>What one byte of a stack frame holds (the kernel's STACK_INVALID, STACK_MISC, STACK_ZERO, STACK_SPILL).</summary>
public enum StackByte : byte
{
    /// <summary>Never written: reading it is an error.</summary>
    Invalid,
    /// <summary>Written with some data.</summary>
    Misc,
    /// <summary>Written with zero.</summary>
    Zero,
    /// <summary>Part of a spilled register.</summary>
    Spill,
}

/// <summary>A register saved on the stack: its value and where in its 8-byte slot it lies.</summary>
/// <param name="Value">The value stored (a scalar truncated to <paramref name="Size"/> bytes, or a whole pointer).</param>
/// <param name="Pos">Byte position of the store within the slot (from the slot's lowest address).</param>
/// <param name="Size">Bytes stored: 8 for a whole register, 1, 2 or 4 for a narrow scalar store.</param>
public readonly record struct Spill(RegisterValue Value, byte Pos, byte Size);

/// <summary>
/// One 512-byte stack frame, byte by byte, with spilled registers per 8-byte slot (the kernel's
/// bpf_stack_state). Offsets are relative to the frame pointer: -512 .. -1. Only the part in use
/// is allocated.
/// </summary>
public sealed class StackState
{
    /// <summary>The size of one frame (MAX_BPF_STACK).</summary>
    public const int FrameSize = 512;

    private StackByte[] _bytes;
    private Spill?[] _spills;

    /// <summary>An empty (all invalid) frame.</summary>
    public StackState()
    {
        _bytes = [];
        _spills = [];
    }

    private StackState(StackByte[] bytes, Spill?[] spills, int maxDepth)
    {
        _bytes = bytes;
        _spills = spills;
        MaxDepth = maxDepth;
    }

    /// <summary>The deepest byte written or read so far (for the frame's stack size).</summary>
    public int MaxDepth { get; private set; }

    /// <summary>Bytes allocated (a multiple of 8).</summary>
    public int Allocated => _bytes.Length;

    /// <summary>A copy.</summary>
    public StackState Clone() => new((StackByte[])_bytes.Clone(), (Spill?[])_spills.Clone(), MaxDepth);

    /// <summary>What the byte at <paramref name="off"/> holds.</summary>
    public StackByte ByteAt(int off)
    {
        int i = -off - 1;
        return i < _bytes.Length ? _bytes[i] : StackByte.Invalid;
    }

    /// <summary>The spilled register of the 8-byte slot holding <paramref name="off"/>, if any.</summary>
    public Spill? SpillAt(int off)
    {
        int slot = (-off - 1) / 8;
        return slot < _spills.Length ? _spills[slot] : null;
    }

    private void Ensure(int depth)
    {
        MaxDepth = Math.Max(MaxDepth, depth);
        int need = (depth + 7) & ~7;
        if (need <= _bytes.Length)
            return;
        Array.Resize(ref _bytes, need);
        Array.Resize(ref _spills, need / 8);
    }

    /// <summary>Records that bytes down to -<paramref name="depth"/> are in use (reads count too).</summary>
    public void Touch(int depth) => MaxDepth = Math.Max(MaxDepth, depth);

    /// <summary>
    /// Writes <paramref name="size"/> bytes at the fixed offset <paramref name="off"/>: a whole
    /// register aligned on its slot is spilled as is; a narrow aligned scalar is spilled
    /// truncated; anything else makes the bytes plain data.
    /// </summary>
    public void Write(int off, int size, in RegisterValue value)
    {
        Ensure(-off);
        int lo = -off - size, hi = -off - 1;
        // Destroy spills this store overlaps (their other bytes become data).
        for (int slot = lo / 8; slot <= hi / 8; slot++)
        {
            if (_spills[slot] is { } old)
            {
                int start = slot * 8 + (8 - old.Pos - old.Size);
                for (int i = start; i < start + old.Size; i++)
                {
                    if (_bytes[i] == StackByte.Spill)
                        _bytes[i] = StackByte.Misc;
                }
                _spills[slot] = null;
            }
        }
        bool aligned = (off & (size - 1)) == 0;
        if (value.Type == RegisterType.Scalar && value.Value.IsConst && value.Value.ConstValue == 0 && value.Id == 0)
        {
            for (int i = lo; i <= hi; i++)
                _bytes[i] = StackByte.Zero;
            return;
        }
        if (aligned && (size == 8 || value.Type == RegisterType.Scalar))
        {
            int slot = hi / 8;
            var stored = size == 8 ? value : value.WithValue(value.Value.Truncate(size));
            if (size < 8 && !(value.Value.UMax < 1UL << (8 * size)))
                stored = stored with { Id = 0 }; // truncated: no longer the same value as the register
            _spills[slot] = new Spill(stored, (byte)(off + 8 * (slot + 1)), (byte)size);
            for (int i = lo; i <= hi; i++)
                _bytes[i] = StackByte.Spill;
            return;
        }
        for (int i = lo; i <= hi; i++)
            _bytes[i] = StackByte.Misc;
    }

    /// <summary>
    /// A write at an offset known only to lie in [<paramref name="minOff"/>, <paramref name="maxOff"/>]:
    /// every byte it may touch keeps being initialised data (or zero when zero is written),
    /// spills there are destroyed, and invalid bytes stay invalid unless <paramref name="initialiseInvalid"/>.
    /// </summary>
    public void WriteVariable(int minOff, int maxOff, int size, bool zero, bool initialiseInvalid)
    {
        Ensure(-minOff);
        int lo = -maxOff - size, hi = -minOff - 1;
        for (int slot = lo / 8; slot <= hi / 8; slot++)
            _spills[slot] = null;
        for (int i = lo; i <= hi; i++)
        {
            var b = _bytes[i];
            if (b == StackByte.Invalid && !initialiseInvalid)
                continue;
            _bytes[i] = zero && b is StackByte.Zero or StackByte.Invalid ? StackByte.Zero : StackByte.Misc;
        }
    }

    /// <summary>Whether every byte of [off, off + size) has been written.</summary>
    public bool IsInitialised(int off, int size, out int firstBad)
    {
        for (int o = off; o < off + size; o++)
        {
            if (ByteAt(o) == StackByte.Invalid)
            {
                firstBad = o;
                return false;
            }
        }
        firstBad = 0;
        return true;
    }

    /// <summary>
    /// Reads <paramref name="size"/> bytes at <paramref name="off"/> (initialisation is the caller's check):
    /// the spilled register when the read matches its store, zero when all bytes are zero, else
    /// unknown data of that size. <paramref name="partialPointer"/> tells when part of a spilled pointer was read.
    /// </summary>
    public RegisterValue Read(int off, int size, out bool partialPointer)
    {
        partialPointer = false;
        Touch(-off);
        int lo = -off - size, hi = -off - 1;
        if (lo / 8 == hi / 8 && SpillAt(off) is { } sp)
        {
            int pos = off + 8 * (hi / 8 + 1);
            if (pos == sp.Pos && size == sp.Size)
                return sp.Value;
            if (sp.Value.IsPointer)
            {
                partialPointer = true;
                return RegisterValue.OfScalar(Scalar.OfSize(size));
            }
            if (sp.Value.Value.IsConst && pos >= sp.Pos && pos + size <= sp.Pos + sp.Size)
            {
                // A narrower read of a known spilled value: its bytes are known (little-endian).
                ulong v = sp.Value.Value.ConstValue >> (8 * (pos - sp.Pos));
                return RegisterValue.OfScalar(Scalar.Const(size == 8 ? v : v & ((1UL << (8 * size)) - 1)));
            }
        }
        else
        {
            for (int slot = lo / 8; slot <= hi / 8; slot++)
            {
                if (slot < _spills.Length && _spills[slot] is { } s && s.Value.IsPointer)
                    partialPointer = true;
            }
        }
        bool allZero = true;
        for (int i = lo; i <= hi; i++)
        {
            if ((i < _bytes.Length ? _bytes[i] : StackByte.Invalid) != StackByte.Zero)
            {
                allZero = false;
                break;
            }
        }
        return RegisterValue.OfScalar(allZero ? Scalar.Const(0UL) : Scalar.OfSize(size));
    }

    /// <summary>Applies <paramref name="f"/> to every spilled register (refining copies, invalidating packet pointers).</summary>
    public void MapSpills(Func<RegisterValue, RegisterValue> f)
    {
        for (int s = 0; s < _spills.Length; s++)
        {
            if (_spills[s] is { } sp)
            {
                var nv = f(sp.Value);
                if (nv.Type == RegisterType.NotInit)
                {
                    // The value is gone (e.g. a packet pointer after the packet changed): its bytes are unusable.
                    int start = s * 8 + (8 - sp.Pos - sp.Size);
                    for (int i = start; i < start + sp.Size; i++)
                        _bytes[i] = StackByte.Misc;
                    _spills[s] = null;
                    if (sp.Value.IsPointer)
                    {
                        for (int i = start; i < start + sp.Size; i++)
                            _bytes[i] = StackByte.Invalid;
                    }
                }
                else
                {
                    _spills[s] = sp with { Value = nv };
                }
            }
        }
    }

    /// <summary>The spilled registers, for callers that look at every value (shapes, ids).</summary>
    public IEnumerable<(int Slot, Spill Spill)> Spills()
    {
        for (int s = 0; s < _spills.Length; s++)
        {
            if (_spills[s] is { } sp)
                yield return (s, sp);
        }
    }

    /// <summary>A shape of the spilled pointers: states merge only when these agree.</summary>
    public int Shape()
    {
        var h = new HashCode();
        for (int s = 0; s < _spills.Length; s++)
        {
            if (_spills[s] is { } sp && sp.Value.IsPointer)
            {
                h.Add(s);
                h.Add(sp.Value.Shape);
            }
        }
        return h.ToHashCode();
    }

    /// <summary>Whether the spilled pointers of the two frames have the same shapes.</summary>
    public bool SameShape(StackState other)
    {
        int n = Math.Max(_spills.Length, other._spills.Length);
        for (int s = 0; s < n; s++)
        {
            var a = s < _spills.Length ? _spills[s] : null;
            var b = s < other._spills.Length ? other._spills[s] : null;
            bool pa = a is { } x && x.Value.IsPointer, pb = b is { } y && y.Value.IsPointer;
            if (pa != pb)
                return false;
            if (pa && (!a!.Value.Value.SameShape(b!.Value.Value) || a.Value.Pos != b.Value.Pos || a.Value.Size != b.Value.Size))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Whether this frame is covered by <paramref name="old"/> (the kernel's stacksafe): every byte
    /// the old state had written, this one has written compatibly, and spilled registers are covered.
    /// </summary>
    public bool Leq(StackState old, IdMap ids)
    {
        for (int i = 0; i < old._bytes.Length; i++)
        {
            var ob = old._bytes[i];
            if (ob == StackByte.Invalid)
                continue;
            var cb = i < _bytes.Length ? _bytes[i] : StackByte.Invalid;
            switch (ob)
            {
                case StackByte.Misc:
                    if (cb == StackByte.Invalid)
                        return false;
                    if (cb == StackByte.Spill && _spills[i / 8] is { } cs && cs.Value.IsPointer)
                        return false;
                    break;
                case StackByte.Zero:
                    if (cb == StackByte.Zero)
                        break;
                    if (cb == StackByte.Spill && _spills[i / 8] is { } z && z.Value.IsNull)
                        break;
                    return false;
            }
        }
        for (int s = 0; s < old._spills.Length; s++)
        {
            if (old._spills[s] is not { } os)
                continue;
            var cs = s < _spills.Length ? _spills[s] : null;
            if (cs is { } c && c.Pos == os.Pos && c.Size == os.Size)
            {
                if (!c.Value.Leq(os.Value, ids))
                    return false;
                continue;
            }
            // Zero bytes are a spilled 0.
            if (os.Value.Type == RegisterType.Scalar && os.Value.Id == 0 && os.Value.Value.MayBe(0) && AllZero(s, os))
                continue;
            // A spilled unknown scalar is no more than initialised data.
            if (os.Value.Type == RegisterType.Scalar && os.Value.Value.IsUnknown && os.Value.Id == 0)
            {
                int start = s * 8 + (8 - os.Pos - os.Size);
                for (int i = start; i < start + os.Size; i++)
                {
                    var cb = i < _bytes.Length ? _bytes[i] : StackByte.Invalid;
                    if (cb == StackByte.Invalid || (cb == StackByte.Spill && _spills[s] is { } p && p.Value.IsPointer))
                        return false;
                }
                continue;
            }
            if (os.Value.Type == RegisterType.NotInit)
                continue;
            return false;
        }
        return true;
    }

    /// <summary>
    /// The frame both states can be in: bytes written on both sides stay written (zero only if
    /// zero on both), spills present on both sides are joined, a spilled scalar against plain data
    /// becomes data. <paramref name="joinValue"/> joins two spilled registers.
    /// </summary>
    public StackState Join(StackState other, Func<RegisterValue, RegisterValue, RegisterValue> joinValue)
    {
        int n = Math.Max(_bytes.Length, other._bytes.Length);
        var bytes = new StackByte[n];
        var spills = new Spill?[n / 8];
        for (int s = 0; s < n / 8; s++)
        {
            var a = s < _spills.Length ? _spills[s] : null;
            var b = s < other._spills.Length ? other._spills[s] : null;
            // A slot of zero bytes is a spilled 0 to the other side's spilled scalar.
            a ??= b is { } zb && zb.Value.Type == RegisterType.Scalar && AllZero(s, zb) ? zb with { Value = RegisterValue.Const(0) } : null;
            b ??= a is { } za && za.Value.Type == RegisterType.Scalar && other.AllZero(s, za) ? za with { Value = RegisterValue.Const(0) } : null;
            if (a is { } x && b is { } y && x.Pos == y.Pos && x.Size == y.Size)
            {
                var j = joinValue(x.Value, y.Value);
                if (j.Type != RegisterType.NotInit)
                    spills[s] = new Spill(j, x.Pos, x.Size);
            }
        }
        for (int i = 0; i < n; i++)
        {
            var a = i < _bytes.Length ? _bytes[i] : StackByte.Invalid;
            var b = i < other._bytes.Length ? other._bytes[i] : StackByte.Invalid;
            bool aPtr = a == StackByte.Spill && _spills[i / 8] is { } pa && pa.Value.IsPointer;
            bool bPtr = b == StackByte.Spill && other._spills[i / 8] is { } pb && pb.Value.IsPointer;
            if (spills[i / 8] is { } sp && a is StackByte.Spill or StackByte.Zero && b is StackByte.Spill or StackByte.Zero && (a == StackByte.Spill || b == StackByte.Spill) && InSpill(i, sp))
            {
                bytes[i] = StackByte.Spill;
                continue;
            }
            if (a == StackByte.Invalid || b == StackByte.Invalid || aPtr || bPtr)
                bytes[i] = StackByte.Invalid;
            else if (a == StackByte.Zero && b == StackByte.Zero)
                bytes[i] = StackByte.Zero;
            else
                bytes[i] = StackByte.Misc;
        }
        return new StackState(bytes, spills, Math.Max(MaxDepth, other.MaxDepth));
    }

    private bool AllZero(int slot, Spill shape)
    {
        int start = slot * 8 + (8 - shape.Pos - shape.Size);
        for (int i = start; i < start + shape.Size; i++)
        {
            if (i >= _bytes.Length || _bytes[i] != StackByte.Zero)
                return false;
        }
        return true;
    }

    private static bool InSpill(int i, Spill sp)
    {
        int start = (i / 8) * 8 + (8 - sp.Pos - sp.Size);
        return i >= start && i < start + sp.Size;
    }

    /// <summary>A readable list of the written slots: <c>fp-8=map_value(...)</c>, <c>fp-16=mmmm????</c>.</summary>
    public string Format(Func<int, string>? mapName = null)
    {
        var parts = new List<string>();
        for (int s = 0; s < _spills.Length; s++)
        {
            int off = -(s + 1) * 8;
            if (_spills[s] is { } sp && sp.Size == 8)
            {
                parts.Add($"fp{off}={sp.Value.Format(mapName)}");
                continue;
            }
            var chars = new char[8];
            bool any = false;
            for (int k = 0; k < 8; k++)
            {
                // Printed from the lowest address up, like the kernel's "fp-8=mmmm0000".
                var b = ByteAt(off + k);
                chars[k] = b switch { StackByte.Misc => 'm', StackByte.Zero => '0', StackByte.Spill => 'r', _ => '?' };
                any |= b != StackByte.Invalid;
            }
            if (any)
                parts.Add($"fp{off}={new string(chars)}");
        }
        return string.Join(' ', parts);
    }
}
