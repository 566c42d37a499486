using SharpBpf.Launcher;

// dotnet run --project tools/SharpBpf.Launcher -- [FILE]      writes the launcher (default: the repository's ./sharpbpf)
// dotnet run --project tools/SharpBpf.Launcher -- --list      prints its code, disassembled
if (args is ["--list"])
{
    Console.Write(Launcher.Listing());
    return 0;
}
if (args.Length > 1 || args is [['-', ..]])
{
    Console.Error.WriteLine("usage: SharpBpf.Launcher [FILE | --list]");
    return 2;
}
string path = args.Length == 1 ? args[0] : Path.Combine(Launcher.RepositoryRoot(), "sharpbpf");
byte[] image = Launcher.Build();
File.WriteAllBytes(path, image);
if (!OperatingSystem.IsWindows())
    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
Console.WriteLine($"{path}: {image.Length} bytes");
return 0;
