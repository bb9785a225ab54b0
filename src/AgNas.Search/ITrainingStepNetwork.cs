using AgNas.Autograd;

namespace AgNas.Search;

/// <summary>
/// A network whose training step is more than "cross-entropy of Forward(images)" (the DARTS evaluation
/// network: drop-path masks drawn per step, an auxiliary head whose loss is added with a weight).
/// <see cref="Runs.TrainingEpoch"/> calls <see cref="BeforeTrainingStep"/> and then
/// <see cref="ForwardTraining"/> for every training step of such a network; evaluation still calls Forward.
/// </summary>
public interface ITrainingStepNetwork
{
    /// <summary>
    /// Called before each training step's forward with the 1-based epoch and the 1-based step within it, so
    /// that random draws of the forward (drop-path masks) are a function of the step: a run resumed at an
    /// epoch draws what an uninterrupted run drew.
    /// </summary>
    void BeforeTrainingStep(int epoch, int step);

    /// <summary>The training-mode forward of images (B, C_in, H, W).</summary>
    TrainingForward ForwardTraining(Var images);
}

/// <summary>What a training forward gives the loss: the logits and, when the network has an auxiliary head, its logits and loss weight.</summary>
/// <param name="Logits">(B, classes): the classifier's output; its cross-entropy is the reported training loss.</param>
/// <param name="AuxiliaryLogits">(B, classes) from the auxiliary head, or null.</param>
/// <param name="AuxiliaryWeight">The auxiliary cross-entropy's weight in the optimised loss (DARTS: 0.4).</param>
public readonly record struct TrainingForward(Var Logits, Var? AuxiliaryLogits, float AuxiliaryWeight);
