namespace SharpBpf.Linux.Attach;

/// <summary>Where an XDP program runs (include/uapi/linux/if_link.h, XDP_FLAGS_*_MODE).</summary>
public enum XdpAttachMode : uint
{
    /// <summary>The driver's native XDP when it has one, else generic.</summary>
    Default = 0,

    /// <summary>XDP_FLAGS_SKB_MODE: generic XDP on the sk_buff path ("xdpgeneric" in ip link), any driver.</summary>
    Generic = 1 << 1,

    /// <summary>XDP_FLAGS_DRV_MODE: the driver's native XDP ("xdpdrv"); fails when the driver has none.</summary>
    Native = 1 << 2,

    /// <summary>XDP_FLAGS_HW_MODE: offloaded to the NIC ("xdpoffload").</summary>
    Offload = 1 << 3,
}
