namespace SharpBpf.Verifier.Domains;

/// <summary>
/// The abstract value of a register or of a spilled stack slot (the kernel's bpf_reg_state): a
/// type, and for scalars the value, for pointers a fixed offset <see cref="Off"/> plus a variable
/// offset <see cref="Value"/>. <see cref="Id"/> ties copies together: copies of a map value or
/// NULL are null-checked together, packet pointers with the same variable offset share a range,
/// scalar copies are refined together by comparisons.
/// </summary>
public readonly record struct RegisterValue
{
    /// <summary>The type.</summary>
    public RegisterType Type { get; init; }
    /// <summary>Pointer modifiers.</summary>
    public RegisterFlags Flags { get; init; }
    /// <summary>The scalar's value, or a pointer's variable offset (0 when the offset is all fixed).</summary>
    public Scalar Value { get; init; }
    /// <summary>A pointer's fixed offset.</summary>
    public int Off { get; init; }
    /// <summary>Links copies (0: none).</summary>
    public int Id { get; init; }
    /// <summary>The acquired reference this pointer holds (ring buffer records), 0 if none.</summary>
    public int RefId { get; init; }
    /// <summary>Index of the map in the verifier's map table (map pointers, values, keys), -1 otherwise.</summary>
    public int Map { get; init; }
    /// <summary>The frame a stack pointer points into (0 = main); the sub-program start of a function address.</summary>
    public int Frame { get; init; }
    /// <summary>
    /// Packet pointers: bytes known readable from the pointer at fixed offset 0 (find_good_pkt_pointers).
    /// Memory pointers: the block's size, or -1 for the input buffer whose length the state tracks.
    /// </summary>
    public int Range { get; init; }
    /// <summary>The instruction that made this value (a helper call, a load, lddw), for messages; -1 if none.</summary>
    public int Origin { get; init; }

    /// <summary>A register never written.</summary>
    public static RegisterValue NotInit { get; } = new() { Type = RegisterType.NotInit, Map = -1, Origin = -1, Value = Scalar.Unknown };

    /// <summary>A scalar.</summary>
    public static RegisterValue OfScalar(Scalar value, int origin = -1) =>
        new() { Type = RegisterType.Scalar, Value = value, Map = -1, Origin = origin };

    /// <summary>A known number.</summary>
    public static RegisterValue Const(ulong value, int origin = -1) => OfScalar(Scalar.Const(value), origin);

    /// <summary>A pointer of <paramref name="type"/> with a fixed offset.</summary>
    public static RegisterValue Pointer(RegisterType type, int off = 0, int map = -1, int frame = 0, int range = 0,
        RegisterFlags flags = RegisterFlags.None, int id = 0, int origin = -1) =>
        new() { Type = type, Off = off, Map = map, Frame = frame, Range = range, Flags = flags, Id = id, Value = Scalar.Const(0UL), Origin = origin };

    /// <summary>Any value at all, not a pointer: an unknown scalar.</summary>
    public static RegisterValue UnknownScalar(int origin = -1) => OfScalar(Scalar.Unknown, origin);

    /// <summary>Whether the register holds a pointer.</summary>
    public bool IsPointer => Type is not (RegisterType.NotInit or RegisterType.Scalar);

    /// <summary>Whether the register is initialised.</summary>
    public bool IsInit => Type != RegisterType.NotInit;

    /// <summary>Whether the pointer may be NULL.</summary>
    public bool MaybeNull => (Flags & RegisterFlags.MaybeNull) != 0;

    /// <summary>A scalar known to be 0.</summary>
    public bool IsNull => Type == RegisterType.Scalar && Value.IsConst && Value.ConstValue == 0;

    /// <summary>The same value with the variable offset (or scalar) replaced.</summary>
    public RegisterValue WithValue(Scalar value) => this with { Value = value };

    /// <summary>
    /// The kind of value, the part states must agree on before they can be merged: type,
    /// nullability, map, frame.
    /// </summary>
    public int Shape => Type switch
    {
        RegisterType.NotInit or RegisterType.Scalar => (int)Type,
        _ => HashCode.Combine(Type, Flags & RegisterFlags.MaybeNull, Map, Frame, Type == RegisterType.Mem ? Range : 0),
    };

    /// <summary>Whether two values have the same <see cref="Shape"/>.</summary>
    public bool SameShape(in RegisterValue other) =>
        Type == other.Type && (Type is RegisterType.NotInit or RegisterType.Scalar ||
            ((Flags & RegisterFlags.MaybeNull) == (other.Flags & RegisterFlags.MaybeNull) && Map == other.Map && Frame == other.Frame &&
             (Type != RegisterType.Mem || Range == other.Range)));

    /// <summary>
    /// Whether every concrete value this allows, <paramref name="old"/> allows, so that a state
    /// holding this is safe wherever one holding <paramref name="old"/> was (the kernel's regsafe).
    /// Ids must map consistently through <paramref name="ids"/>.
    /// </summary>
    public bool Leq(in RegisterValue old, IdMap ids)
    {
        if (old.Type == RegisterType.NotInit)
            return true; // the old state never read it
        if (Type != old.Type)
            return false;
        if (Type == RegisterType.Scalar)
            return Value.Leq(old.Value) && ids.CheckScalar(old.Id, Id);
        if (Flags != old.Flags || Map != old.Map || Frame != old.Frame || !ids.CheckRef(old.RefId, RefId))
            return false;
        if (Off != old.Off)
        {
            // The same address with the offset split differently (a merge folds offsets into the
            // variable part). Packet ranges are relative to the fixed offset: there it must match.
            if (Type is RegisterType.Packet or RegisterType.PacketMeta or RegisterType.Ctx)
                return false;
            var shifted = Value.Alu(Core.Opcodes.Add, Scalar.Const((ulong)(long)(Off - old.Off)), false);
            if (!shifted.Leq(old.Value))
                return false;
        }
        else if (!Value.Leq(old.Value))
        {
            return false;
        }
        switch (Type)
        {
            case RegisterType.Packet:
            case RegisterType.PacketMeta:
                // More known-readable bytes is safer; the variable offsets must be linked alike.
                return Range >= old.Range && ids.Check(old.Id, Id);
            case RegisterType.Mem:
                return Range == old.Range && (!MaybeNull || ids.Check(old.Id, Id));
            default:
                return !MaybeNull || ids.Check(old.Id, Id);
        }
    }

    /// <summary>
    /// The least upper bound with <paramref name="other"/>, or <see cref="NotInit"/> when the two
    /// are of different kinds. Ids are the caller's business (<paramref name="id"/>).
    /// </summary>
    public RegisterValue Join(in RegisterValue other, int id, int refId, WideningThresholds? widen = null)
    {
        if (Type == RegisterType.NotInit || other.Type == RegisterType.NotInit)
            return NotInit;
        if (Type == RegisterType.Scalar && other.Type == RegisterType.Scalar)
        {
            var v = widen is null ? Value.Join(other.Value) : Value.Widen(Value.Join(other.Value), widen);
            return new RegisterValue { Type = RegisterType.Scalar, Value = v, Map = -1, Id = id, Origin = Origin };
        }
        if (!SameShape(other))
            return NotInit;
        // A different fixed offset becomes part of the variable offset.
        int off = Math.Min(Off, other.Off);
        Scalar a = Value, b = other.Value;
        if (Off != other.Off)
        {
            a = a.Alu(Core.Opcodes.Add, Scalar.Const((ulong)(long)(Off - off)), false);
            b = b.Alu(Core.Opcodes.Add, Scalar.Const((ulong)(long)(other.Off - off)), false);
        }
        var joined = widen is null ? a.Join(b) : a.Widen(a.Join(b), widen);
        int range = Type == RegisterType.Mem ? Range : Math.Min(Range, other.Range);
        if (Type is RegisterType.Packet or RegisterType.PacketMeta && Off != other.Off)
            range = 0;
        return this with
        {
            Value = joined, Off = off, Range = range, Id = id, RefId = refId,
            Flags = Flags & other.Flags | (Flags & RegisterFlags.MaybeNull),
        };
    }

    /// <summary>A readable rendering: <c>scalar [0, 255]</c>, <c>map_value_or_null(counts, id 1)</c>, <c>fp-8</c>.</summary>
    public string Format(Func<int, string>? mapName = null)
    {
        switch (Type)
        {
            case RegisterType.NotInit:
                return "not initialised";
            case RegisterType.Scalar:
                return Value.IsConst ? Scalar.FormatConst(Value.ConstValue) : $"scalar {Value}";
            case RegisterType.Stack:
            {
                string f = Frame == 0 ? "fp" : $"fp[{Frame}]";
                string s = Off == 0 ? f : Off > 0 ? $"{f}+{Off}" : $"{f}{Off}";
                return IsVariable ? $"{s} + ({Value})" : s;
            }
            case RegisterType.Ctx:
                return Off == 0 && !IsVariable ? "ctx" : $"ctx+{Off}";
            case RegisterType.Func:
                return $"func(pc {Frame})";
        }
        var parts = new List<string>(4);
        if (Map >= 0)
            parts.Add(mapName?.Invoke(Map) ?? $"map {Map}");
        if (Type != RegisterType.MapPtr && Off != 0)
            parts.Add($"off {Off}");
        if (IsVariable)
            parts.Add($"var {Value}");
        if (Type is RegisterType.Packet or RegisterType.PacketMeta)
            parts.Add($"readable {Range}");
        if (Type == RegisterType.Mem)
            parts.Add(Range >= 0 ? $"size {Range}" : "input buffer");
        if (RefId != 0)
            parts.Add("must be released");
        string name = RegisterTypeNames.Name(Type, Flags);
        return parts.Count == 0 ? name : $"{name}({string.Join(", ", parts)})";
    }

    /// <summary>Whether the pointer has a variable part.</summary>
    public bool IsVariable => !(Value.IsConst && Value.ConstValue == 0);

    /// <inheritdoc/>
    public override string ToString() => Format();
}
