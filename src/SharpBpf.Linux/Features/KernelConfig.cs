using System.IO.Compression;

namespace SharpBpf.Linux.Features;

/// <summary>
/// The kernel's build configuration (<c>CONFIG_*=value</c>), read where bpftool reads it
/// (feature.c, probe_kernel_image_config): <c>/boot/config-$(uname -r)</c>, else
/// <c>/proc/config.gz</c> (CONFIG_IKCONFIG_PROC); either may be gzip-compressed or plain.
/// Options that are "not set" are absent.
/// </summary>
public sealed class KernelConfig
{
    // scripts/kconfig/confdata.c writes this as the second line; bpftool refuses a file without it.
    private const string Banner = "# Automatically generated file; DO NOT EDIT.";

    private static readonly Lazy<(KernelConfig? Config, string? Problem)> CurrentValue = new(() =>
        TryLoad(LinuxKernel.Release, out var config, out var problem) ? (config, null) : (null, problem));

    private readonly Dictionary<string, string> _options;

    private KernelConfig(Dictionary<string, string> options, string source)
    {
        _options = options;
        Source = source;
    }

    /// <summary>The running kernel's configuration, or null when no readable file has it (see <see cref="CurrentProblem"/>).</summary>
    public static KernelConfig? Current => CurrentValue.Value.Config;

    /// <summary>Why <see cref="Current"/> is null ("can't open file: ..."), as bpftool words it.</summary>
    public static string? CurrentProblem => CurrentValue.Value.Problem;

    /// <summary>The file the options came from.</summary>
    public string Source { get; }

    /// <summary>Every option that is set, with its value as written (<c>y</c>, <c>m</c>, <c>250</c>, <c>"string"</c>).</summary>
    public IReadOnlyDictionary<string, string> Options => _options;

    /// <summary>An option's value, or null when it is not set.</summary>
    public string? this[string option] => _options.TryGetValue(option, out var value) ? value : null;

    /// <summary>Whether an option is built in (<c>y</c>) or a module (<c>m</c>).</summary>
    public bool IsEnabled(string option) => this[option] is "y" or "m";

    /// <summary>Reads the configuration of a kernel release from /boot or /proc/config.gz.</summary>
    public static bool TryLoad(string release, out KernelConfig? config, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(release);
        config = null;
        problem = null;
        foreach (var path in new[] { "/boot/config-" + release, "/proc/config.gz" })
        {
            if (!File.Exists(path))
                continue;
            try
            {
                config = Load(path);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
            {
                problem = $"can't read {path}: {e.Message}";
                return false;
            }
        }
        problem = $"can't open file: neither /boot/config-{release} nor /proc/config.gz exists";
        return false;
    }

    /// <summary>Reads a configuration file, gzip-compressed or plain.</summary>
    public static KernelConfig Load(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        // gzip's magic (RFC 1952): 1f 8b.
        Stream stream = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        return Parse(reader, path);
    }

    /// <summary>Parses <c>CONFIG_NAME=value</c> lines; the second line must be Kconfig's banner, as bpftool checks.</summary>
    public static KernelConfig Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 2 && line != Banner)
                throw new FormatException($"{source} is not a kernel configuration (line 2 is not \"{Banner}\")");
            if (!line.StartsWith("CONFIG_", StringComparison.Ordinal))
                continue;
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            // bpftool (read_next_kernel_config_option) skips options without a value.
            if (equals < 0 || equals == line.Length - 1)
                continue;
            options.TryAdd(line[..equals], line[(equals + 1)..]);
        }
        if (lineNumber < 2)
            throw new FormatException($"{source} is too short to be a kernel configuration");
        return new KernelConfig(options, source);
    }
}
