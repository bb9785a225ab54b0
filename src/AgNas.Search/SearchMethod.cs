namespace AgNas.Search;

/// <summary>How a supernet weighs the candidates of an edge and how the architecture is chosen (<c>agnas search --method</c>).</summary>
public enum SearchMethod
{
    /// <summary>
    /// AGNAS (Sun et al., ICML 2022, Algorithm 1): a channel-attention module per edge, trained with the
    /// weights by SGD on the weight-training part; the architecture is the argmax of the attention
    /// importance collected on the validation part (reference facts §1, §2).
    /// </summary>
    Agnas,

    /// <summary>
    /// The first-order DARTS baseline (Liu et al., ICLR 2019, Sec. 2.3 with ξ = 0): softmax(α) mixes
    /// each edge's candidates; every step first updates α by Adam on a validation batch, then the
    /// weights by SGD on a training batch; the architecture is the argmax of softmax(α) per edge.
    /// </summary>
    Darts,
}

/// <summary>The command-line and config.json names of the <see cref="SearchMethod"/>s.</summary>
public static class SearchMethods
{
    public const string Agnas = "agnas";
    public const string Darts = "darts";

    /// <summary>Every name, in <see cref="SearchMethod"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = [Agnas, Darts];

    /// <summary>The method's name ("agnas", "darts").</summary>
    public static string Name(SearchMethod method) => method switch
    {
        SearchMethod.Agnas => Agnas,
        SearchMethod.Darts => Darts,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a search method."),
    };

    /// <summary>The method called <paramref name="name"/> (exactly, lower case); false for anything else.</summary>
    public static bool TryParse(string? name, out SearchMethod method)
    {
        switch (name)
        {
            case Agnas: method = SearchMethod.Agnas; return true;
            case Darts: method = SearchMethod.Darts; return true;
            default: method = default; return false;
        }
    }

    /// <summary>The method called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>; the message lists them.</exception>
    public static SearchMethod Parse(string name) =>
        TryParse(name, out var method) ? method : throw new ArgumentException(UnknownMessage(name), nameof(name));

    /// <summary>"method 'x' is not known; expected agnas (attention-guided) or darts (first-order DARTS baseline)".</summary>
    public static string UnknownMessage(string? name) =>
        $"method '{name}' is not known; expected {Agnas} (attention-guided, AGNAS) or {Darts} (the first-order DARTS baseline)";
}
