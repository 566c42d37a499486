using System.CommandLine;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>sharpbpf feature ...</c>, bpftool's grammar.</summary>
internal static partial class FeatureCommand
{
    public static Command Create()
    {
        var feature = new Command("feature", "Probe the eBPF features of this kernel (bpftool feature).");
        AddProbe(feature);
        return feature;
    }

    /// <summary>feature probe [kernel] [full] [macros].</summary>
    static partial void AddProbe(Command feature);
}
