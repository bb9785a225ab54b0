using AgNas.Tensors;

namespace AgNas.Autograd.Optim;

/// <summary>
/// Adam as torch.optim.Adam (L2 weight decay added to the gradient; no AMSGrad), one fused
/// <see cref="IBackend.AdamStep"/> per parameter with the parameter's own 1-based step count.
/// State: "exp_avg" and "exp_avg_sq", zeros before a parameter's first step. The learning rate
/// and weight decay are per group; betas and eps are shared.
/// </summary>
public sealed class Adam : Optimizer
{
    public const string ExpAvgSlot = "exp_avg";
    public const string ExpAvgSqSlot = "exp_avg_sq";

    /// <summary>All parameters in one group.</summary>
    public Adam(IEnumerable<(string Name, Parameter Param)> parameters, float learningRate = 1e-3f, float beta1 = 0.9f,
        float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(OneGroup(parameters), learningRate, beta1, beta2, eps, weightDecay) { }

    /// <summary>Several groups; a group's own learning rate and weight decay override the defaults given here.</summary>
    /// <exception cref="ArgumentException">A beta outside [0, 1) or a negative eps.</exception>
    public Adam(IEnumerable<ParamGroup> groups, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0f)
        : base(groups, learningRate, weightDecay)
    {
        if (!(beta1 is >= 0f and < 1f) || !(beta2 is >= 0f and < 1f))
            throw new ArgumentException($"Adam: betas ({beta1}, {beta2}); expected each in [0, 1).");
        if (!(eps >= 0f)) throw new ArgumentException($"Adam: eps = {eps}; expected >= 0.");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }

    protected override IReadOnlyList<string> StateSlots => [ExpAvgSlot, ExpAvgSqSlot];

    public override void Step()
    {
        foreach (var g in Groups)
        {
            var hp = new AdamParams(g.LearningRate, Beta1, Beta2, Eps, g.WeightDecay);
            foreach (var (_, p) in g.Parameters)
            {
                if (p.Grad is null) continue;
                var state = StateOf(p);
                var m = Slot(state, ExpAvgSlot, p, out _);
                var v = Slot(state, ExpAvgSqSlot, p, out _);
                state.Step++;
                p.Backend.AdamStep(p.Data, p.Grad, m, v, hp, state.Step);
            }
        }
    }
}
