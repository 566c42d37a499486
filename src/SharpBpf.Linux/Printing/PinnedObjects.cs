using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Printing;

/// <summary>The kinds of object a bpffs pin holds (bpftool's enum bpf_obj_type).</summary>
public enum PinnedObjectKind
{
    /// <summary>A program (anon_inode:bpf-prog).</summary>
    Program,
    /// <summary>A map (anon_inode:bpf-map).</summary>
    Map,
    /// <summary>A link (anon_inode:bpf_link).</summary>
    Link,
}

/// <summary>
/// Where objects are pinned, found as bpftool -f finds them (common.c, build_pinned_obj_table):
/// every mount in /proc/mounts whose type starts with "bpf" is walked depth first in directory
/// order (nftw with FTW_PHYS), each regular file opened (BPF_OBJ_GET), kept when its fd is of the
/// wanted kind, and filed under the object's id in libbpf's hashmap order.
/// </summary>
public static class PinnedObjects
{
    [StructLayout(LayoutKind.Sequential)]
    private struct InfoHead
    {
        public uint Type;
        public uint Id;
    }

    /// <summary>The pinned paths of every object of <paramref name="kind"/>, by id.</summary>
    public static IReadOnlyDictionary<uint, List<string>> Find(PinnedObjectKind kind)
    {
        var found = new List<(uint, string)>();
        foreach (var mount in BpfMounts())
            Walk(mount, kind, found);
        return LibbpfHashmapOrder.Group(found);
    }

    /// <summary>The text form of -f in prog and map show (bpftool's show_pinned lines): "\n\tpinned PATH" per path of object <paramref name="id"/>.</summary>
    internal static void WritePlain(TextWriter w, IReadOnlyDictionary<uint, List<string>>? pins, uint id)
    {
        if (pins is { Count: > 0 } && pins.TryGetValue(id, out var paths))
        {
            foreach (var path in paths)
                w.Write($"\n\tpinned {path}");
        }
    }

    /// <summary>The mount points of bpffs in /proc/mounts order.</summary>
    public static IReadOnlyList<string> BpfMounts()
    {
        var mounts = new List<string>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/mounts");
        }
        catch (IOException)
        {
            return mounts;
        }
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length >= 3 && fields[2].StartsWith("bpf", StringComparison.Ordinal))
                mounts.Add(Unescape(fields[1]));
        }
        return mounts;
    }

    // getmntent decodes \040 (space), \011 (tab), \012 (newline) and \134 (backslash).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
            return field;
        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length &&
                int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }
        return sb.ToString();
    }

    private static void Walk(string directory, PinnedObjectKind kind, List<(uint, string)> found)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var path in entries)
        {
            FileSystemInfo info;
            try
            {
                info = new FileInfo(path);
                if (info.LinkTarget is not null)
                    continue; // FTW_PHYS: symbolic links are not followed nor opened
                if ((info.Attributes & FileAttributes.Directory) != 0)
                {
                    Walk(path, kind, found);
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (TryIdOf(path, kind) is { } id)
                found.Add((id, path));
        }
    }

    /// <summary>The id of the object pinned at <paramref name="path"/> when it is of <paramref name="kind"/>.</summary>
    internal static uint? TryIdOf(string path, PinnedObjectKind kind)
    {
        BpfFileDescriptor fd;
        try
        {
            fd = Sys.ObjGet(path, 0);
        }
        catch (BpfException)
        {
            return null;
        }
        using (fd)
        {
            if (KindOf(fd) != kind)
                return null;
            var head = default(InfoHead);
            try
            {
                Sys.ObjGetInfo(fd, ref head);
            }
            catch (BpfException)
            {
                return null;
            }
            return head.Id;
        }
    }

    /// <summary>What kind of object an fd is (bpftool's get_fd_type: the anon inode's name in /proc/self/fd).</summary>
    public static PinnedObjectKind? KindOf(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        string? target;
        try
        {
            target = new FileInfo("/proc/self/fd/" + fd.Value.ToString(CultureInfo.InvariantCulture)).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        if (target is null)
            return null;
        if (target.Contains("bpf-map", StringComparison.Ordinal))
            return PinnedObjectKind.Map;
        if (target.Contains("bpf-prog", StringComparison.Ordinal))
            return PinnedObjectKind.Program;
        if (target.Contains("bpf-link", StringComparison.Ordinal) || target.Contains("bpf_link", StringComparison.Ordinal))
            return PinnedObjectKind.Link;
        return null;
    }
}
