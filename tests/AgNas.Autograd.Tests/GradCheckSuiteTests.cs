using System.Reflection;
using System.Text;
using AgNas.Autograd.Checks;

namespace AgNas.Autograd.Tests;

/// <summary>Every case of <see cref="GradCheckSuite"/> passes on the CPU backend; the suite covers every function.</summary>
public class GradCheckSuiteTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in GradCheckSuite.All) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CasePasses(string name)
    {
        var c = GradCheckSuite.Get(name);
        var result = GradCheckSuite.Run(c);
        Assert.True(result.Passed, $"{c.Name} [{c.Shapes}]: {result}");
    }

    [Fact]
    public void CaseNamesAreUniqueAndEveryCaseChecksSomething()
    {
        Assert.Equal(GradCheckSuite.All.Count, GradCheckSuite.All.Select(c => c.Name).Distinct().Count());
        foreach (var c in GradCheckSuite.All) Assert.Contains(c.Inputs, i => i.RequiresGrad);
    }

    /// <summary>STYLE 4: every primitive has a finite-difference check. Functional.Xyz is covered by op "xyz" (snake case).</summary>
    [Fact]
    public void EveryFunctionalEntryHasACase()
    {
        var ops = GradCheckSuite.All.Select(c => c.Op).ToHashSet();
        var missing = typeof(Functional).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => SnakeCase(m.Name))
            .Distinct()
            .Where(op => !ops.Contains(op))
            .ToList();
        Assert.True(missing.Count == 0, "Functional entries with no gradcheck case: " + string.Join(", ", missing));
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && char.IsLower(name[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    [Fact]
    public void RunIsDeterministic()
    {
        var c = GradCheckSuite.Get("sigmoid/2x3x4x4");
        var a = GradCheckSuite.Run(c);
        var b = GradCheckSuite.Run(c);
        Assert.Equal(a.Inputs[0].MaxAbsError, b.Inputs[0].MaxAbsError);
        Assert.Equal(a.Inputs[0].WorstIndex, b.Inputs[0].WorstIndex);
    }
}
