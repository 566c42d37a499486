using System.CommandLine;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.CoRe;
using SharpBpf.ObjectFile.Printing;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.Cli.Commands;

/// <summary>
/// <c>sharpbpf obj core OBJ [--btf PATH] [-B BASE] [-j|-p]</c>: resolves every CO-RE relocation
/// of an object against a target BTF (the running kernel's by default) as libbpf would when
/// loading it, and prints local and target values side by side. Unsatisfiable relocations are
/// reported, not fatal (exit 0); only unreadable input exits 1.
/// </summary>
internal static class ObjCoreCommand
{
    private const string Vmlinux = "/sys/kernel/btf/vmlinux";

    public static Command Create()
    {
        var file = new Argument<string>("OBJ") { Description = "A BPF ELF object with CO-RE relocations (.BTF.ext)." };
        var btf = new Option<string?>("--btf") { HelpName = "PATH", Description = $"Target BTF: a raw BTF file or an object with .BTF (default {Vmlinux})." };
        var baseBtf = new Option<string?>("--base-btf", "-B") { HelpName = "PATH", Description = "Base BTF when the target is split BTF (a module's, on top of vmlinux)." };
        var core = new Command("core", "Resolve an object's CO-RE relocations against a target BTF, as libbpf does when loading it.")
        {
            file, btf, baseBtf,
        };
        core.SetAction(p =>
        {
            string path = p.GetValue(file)!;
            if (!File.Exists(path))
                throw new CliError($"{path}: no such file");
            string targetPath = p.GetValue(btf) ?? Vmlinux;
            if (!File.Exists(targetPath))
                throw new CliError(p.GetValue(btf) is null
                    ? $"{Vmlinux} does not exist (kernel built without CONFIG_DEBUG_INFO_BTF?); name a target with --btf PATH"
                    : $"{targetPath}: no such file");
            BtfSpec? baseSpec = null;
            if (p.GetValue(baseBtf) is { } basePath)
            {
                if (!File.Exists(basePath))
                    throw new CliError($"{basePath}: no such file");
                baseSpec = BtfFileLoader.Load(basePath);
            }

            var spec = CollectionLoader.Load(path);
            var target = BtfFileLoader.Load(targetPath, baseSpec);
            var report = CoreResolver.Resolve(spec, target, targetPath);
            if (GlobalOptions.WantsJson(p))
            {
                using var stdout = StandardOutput.Open();
                using var output = new Utf8Output(stdout);
                CoreReportPrinter.Json(report, output, GlobalOptions.WantsPretty(p));
            }
            else
            {
                CoreReportPrinter.Text(report, Console.Out);
            }
            return 0;
        });
        return core;
    }
}
