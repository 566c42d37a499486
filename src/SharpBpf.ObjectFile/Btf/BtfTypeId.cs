namespace SharpBpf.ObjectFile.Btf;

/// <summary>A BTF type id; 0 is void.</summary>
/// <param name="Value">The id.</param>
public readonly record struct BtfTypeId(uint Value)
{
    /// <summary>void.</summary>
    public static BtfTypeId Void => default;

    /// <summary>True for id 0.</summary>
    public bool IsVoid => Value == 0;

    /// <summary>Converts from the raw id.</summary>
    public static implicit operator BtfTypeId(uint value) => new(value);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
