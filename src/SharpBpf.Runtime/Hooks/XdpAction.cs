namespace SharpBpf.Runtime.Hooks;

/// <summary>An XDP program's verdict (enum xdp_action).</summary>
public enum XdpAction
{
    /// <summary>XDP_ABORTED: a program error; the packet is dropped (also what a fault or an unknown return value becomes).</summary>
    Aborted = 0,
    /// <summary>XDP_DROP.</summary>
    Drop = 1,
    /// <summary>XDP_PASS: on to the network stack.</summary>
    Pass = 2,
    /// <summary>XDP_TX: back out of the interface it came in on.</summary>
    Tx = 3,
    /// <summary>XDP_REDIRECT.</summary>
    Redirect = 4,
}
