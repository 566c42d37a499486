using SharpBpf.CodeGen;

// Regenerates the checked-in *.g.cs files. Run from the repository root:
//   dotnet run --project tools/SharpBpf.CodeGen [-- --check] [BPF_H] [--btf VMLINUX_BTF --kernel-version X.Y]
// BpfAttr.g.cs comes from the running kernel's BTF; it is skipped (with a note) where there is none.
string root = Directory.GetCurrentDirectory();
string header = args.FirstOrDefault(a => a.EndsWith(".h", StringComparison.Ordinal)) ?? "/usr/include/linux/bpf.h";
int btfArg = Array.IndexOf(args, "--btf");
string vmlinux = btfArg >= 0 && btfArg + 1 < args.Length ? args[btfArg + 1] : KernelAbiGenerator.VmlinuxPath;
int versionArg = Array.IndexOf(args, "--kernel-version");
string kernelVersion = versionArg >= 0 && versionArg + 1 < args.Length ? args[versionArg + 1] : KernelAbiGenerator.RunningKernelVersion();
bool check = args.Contains("--check");
var outputs = new List<(string Path, string Text)>
{
    (Path.Combine(root, "src/SharpBpf.Core/HelperIds.g.cs"),
        HelperIdsGenerator.Generate(File.ReadAllText(header), File.ReadAllText(Path.Combine(root, "tools/SharpBpf.CodeGen/helpers-extra.tsv")))),
    (Path.Combine(root, "src/SharpBpf.Core/UapiEnums.g.cs"),
        UapiEnumsGenerator.Generate(File.ReadAllText(header), File.ReadAllText(Path.Combine(root, "tools/SharpBpf.CodeGen/uapi-extra.tsv")))),
};
if (File.Exists(vmlinux))
{
    outputs.Add((Path.Combine(root, KernelAbiGenerator.OutputPath),
        KernelAbiGenerator.Generate(SharpBpf.ObjectFile.Btf.BtfSpec.Load(vmlinux), kernelVersion)));
}
else
{
    Console.Error.WriteLine($"note: {vmlinux} does not exist; {KernelAbiGenerator.OutputPath} not regenerated");
}
int stale = 0;
foreach (var (path, text) in outputs)
{
    if (File.Exists(path) && File.ReadAllText(path) == text)
        continue;
    stale++;
    if (check)
        Console.Error.WriteLine($"stale: {path}");
    else
        File.WriteAllText(path, text);
}
return check && stale > 0 ? 1 : 0;
