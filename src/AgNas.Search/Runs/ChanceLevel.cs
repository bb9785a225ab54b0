using System.Globalization;

namespace AgNas.Search.Runs;

/// <summary>
/// Whether a search's supernet learned anything: the silent failure of a too-high learning rate is a loss that stays finite while the
/// supernet predicts no better than chance, and an architecture derived from it means nothing (issue 10 item 3; docs/runs.md).
/// <para>Per epoch (<see cref="IsAtChance"/>, informational, metrics.jsonl's <c>at_chance</c>): validation accuracy below
/// 100/classes + <see cref="MarginPoints"/> points, or training loss above ln(classes) (the cross-entropy of a uniform guess).</para>
/// <para>For the run (<see cref="Verdict"/>, loud): untrustworthy when the validation accuracy never left that band in any epoch, or
/// when the last epoch's training loss is above ln(classes). A short search that sits near chance for an epoch or two and then
/// leaves it is not flagged.</para>
/// </summary>
public static class ChanceLevel
{
    /// <summary>How far above chance (100/classes %) the validation accuracy must be to count as learning, in percentage points.</summary>
    public const double MarginPoints = 5;

    /// <summary>Chance accuracy in percent: 100/<paramref name="classes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 classes.</exception>
    public static double ChancePercent(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        return 100.0 / classes;
    }

    /// <summary>True when <paramref name="validAccuracy"/> (%) is below chance + <see cref="MarginPoints"/> or <paramref name="trainLoss"/> (nats) is above ln(<paramref name="classes"/>); NaN counts as at chance.</summary>
    public static bool IsAtChance(double validAccuracy, double trainLoss, int classes) =>
        !(validAccuracy >= ChancePercent(classes) + MarginPoints) || !(trainLoss <= Math.Log(classes));

    /// <summary>
    /// Why a search of <paramref name="classes"/> classes whose epochs are <paramref name="epochs"/> cannot be trusted, as one
    /// sentence; null when it left chance level. Reads only the losses and accuracies, so metrics written before
    /// <see cref="EpochRecord.AtChance"/> existed are judged the same way.
    /// </summary>
    public static string? Verdict(IReadOnlyList<EpochRecord> epochs, int classes)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0) return null;
        var last = epochs[^1];
        double lnC = Math.Log(classes), chance = ChancePercent(classes);
        if (!(last.TrainLoss <= lnC))
            return $"the training loss after epoch {last.Epoch} is {Fmt(last.TrainLoss)}, above ln({classes}) = {Fmt(lnC)}, the loss of a uniform guess";
        double best = epochs.Max(e => double.IsNaN(e.ValidAccuracy) ? double.NegativeInfinity : e.ValidAccuracy);
        if (!(best >= chance + MarginPoints))
            return $"the supernet's validation accuracy never left chance level in {epochs.Count} epoch(s): best {Fmt(best)} % against 100/{classes} = {Fmt(chance)} %";
        return null;
    }

    private static string Fmt(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
