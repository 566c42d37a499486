namespace SharpBpf.Linux.Attach;

/// <summary>Network interfaces by name and index, in the calling thread's network namespace (if_nametoindex, if_indextoname).</summary>
public static class NetDevice
{
    /// <summary>The ifindex of interface <paramref name="name"/>; throws when there is none.</summary>
    public static int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        uint index = AttachNative.IfNameToIndex(name);
        if (index == 0)
            throw AttachNative.Error($"interface '{name}'");
        return (int)index;
    }

    /// <summary>The name of the interface with <paramref name="ifindex"/>, or null when there is none.</summary>
    public static unsafe string? NameOf(int ifindex)
    {
        if (ifindex <= 0)
            return null;
        byte* name = stackalloc byte[AttachNative.IfNameSize];
        if (AttachNative.IfIndexToName((uint)ifindex, name) is null)
            return null;
        return new string((sbyte*)name);
    }
}
