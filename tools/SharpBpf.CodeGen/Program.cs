using SharpBpf.CodeGen;

// Regenerates the checked-in *.g.cs files. Run from the repository root:
//   dotnet run --project tools/SharpBpf.CodeGen [-- --check]
string root = Directory.GetCurrentDirectory();
string header = args.FirstOrDefault(a => a.EndsWith(".h", StringComparison.Ordinal)) ?? "/usr/include/linux/bpf.h";
bool check = args.Contains("--check");
var outputs = new (string Path, string Text)[]
{
    (Path.Combine(root, "src/SharpBpf.Core/HelperIds.g.cs"),
        HelperIdsGenerator.Generate(File.ReadAllText(header), File.ReadAllText(Path.Combine(root, "tools/SharpBpf.CodeGen/helpers-extra.tsv")))),
    (Path.Combine(root, "src/SharpBpf.Core/UapiEnums.g.cs"),
        UapiEnumsGenerator.Generate(File.ReadAllText(header), File.ReadAllText(Path.Combine(root, "tools/SharpBpf.CodeGen/uapi-extra.tsv")))),
};
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
