using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using AgNas.Search.Runs;

namespace AgNas.Cli.Tests;

/// <summary>
/// SIGTERM (what <c>timeout</c> and cluster schedulers send) stops a run as Ctrl-C does. The signal goes to a real
/// <c>agnas</c> process (the one built beside these tests), since the handler lives in the process's signal handling.
/// </summary>
public partial class SigtermTests
{
    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public void SigtermKeepsTheLastEpochReleasesTheLockAndExits130()
    {
        if (OperatingSystem.IsWindows()) return; // no SIGTERM to send
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var run = tmp.Sub("run");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "agnas.dll"), .. TrainCli.TinyArgs(data, run, "--epochs", "200", "--no-plots")])
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var firstEpoch = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (Regex.IsMatch(e.Data, @"^\s+1\s+0\.\d{6}\s")) firstEpoch.Set();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (error) error.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.True(firstEpoch.Wait(TimeSpan.FromMinutes(2)), $"no epoch row within 2 minutes:\n{output}\n{error}");
            Assert.Equal(0, Kill(process.Id, Sigterm));
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"still running a minute after SIGTERM:\n{output}");
            process.WaitForExit(); // the output's end
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        string text = output.ToString();
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{text}\n{error}");
        var state = new RunFolder(run).ReadState<TrainState>(TrainState.CurrentFormat);
        Assert.InRange(state.CompletedEpochs, 1, 199);
        string saved = state.CompletedEpochs == 1 ? "epoch 1 is saved" : $"epochs 1-{state.CompletedEpochs} are saved";
        Assert.Contains($"Interrupted during epoch {state.CompletedEpochs + 1} of 200; {saved} in {Path.GetFullPath(run)}.", text);
        Assert.Contains($"Resume with: agnas train --resume {Path.GetFullPath(run)}", text);
        Assert.False(File.Exists(Path.Combine(run, RunFolder.LockFile)), "run.lock was not released");
    }
}
