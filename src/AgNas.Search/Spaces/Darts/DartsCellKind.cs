namespace AgNas.Search.Spaces.Darts;

/// <summary>The two DARTS cell types. A reduction cell halves H and W (stride 2 on the edges from its two inputs) and doubles C.</summary>
public enum DartsCellKind
{
    Normal,
    Reduce,
}

/// <summary>The DARTS spellings that depend on the cell kind.</summary>
public static class DartsCellKinds
{
    /// <summary>The genotype field of the kind's genes: <c>normal</c> / <c>reduce</c>.</summary>
    public static string GenesField(DartsCellKind kind) => kind == DartsCellKind.Normal ? "normal" : "reduce";

    /// <summary>The genotype field of the kind's concat: <c>normal_concat</c> / <c>reduce_concat</c>.</summary>
    public static string ConcatField(DartsCellKind kind) => GenesField(kind) + "_concat";

    /// <summary>The namedtuple of one cell of the kind in AGNAS's <c>DS/genotypes.py</c>: <c>Normal_Genotype</c> / <c>Reduce_Genotype</c>.</summary>
    public static string TypeName(DartsCellKind kind) => kind == DartsCellKind.Normal ? "Normal_Genotype" : "Reduce_Genotype";
}
