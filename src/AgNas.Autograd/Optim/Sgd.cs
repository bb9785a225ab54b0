using AgNas.Tensors;

namespace AgNas.Autograd.Optim;

/// <summary>
/// Stochastic gradient descent as torch.optim.SGD, one fused <see cref="IBackend.SgdStepMany"/> per
/// parameter group (one launch on a GPU), per parameter: d = grad + wd·param (weight decay is added to the gradient before momentum);
/// buf = d on the parameter's first step, else momentum·buf + (1 − dampening)·d;
/// d = d + momentum·buf with Nesterov, else buf; param −= lr·d. The learning rate and weight decay
/// are per group; momentum, dampening and Nesterov are shared. Momentum buffers ("momentum_buffer")
/// are created on a parameter's first step.
/// </summary>
public sealed class Sgd : Optimizer
{
    public const string MomentumBufferSlot = "momentum_buffer";

    /// <summary>All parameters in one group.</summary>
    public Sgd(IEnumerable<(string Name, Parameter Param)> parameters, float learningRate, float momentum = 0f, float dampening = 0f,
        float weightDecay = 0f, bool nesterov = false)
        : this(OneGroup(parameters), learningRate, momentum, dampening, weightDecay, nesterov) { }

    /// <summary>Several groups; a group's own learning rate and weight decay override the defaults given here.</summary>
    /// <exception cref="ArgumentException">A negative hyper-parameter, or Nesterov without momentum or with dampening (as PyTorch).</exception>
    public Sgd(IEnumerable<ParamGroup> groups, float learningRate, float momentum = 0f, float dampening = 0f,
        float weightDecay = 0f, bool nesterov = false)
        : base(groups, learningRate, weightDecay)
    {
        if (!(momentum >= 0f)) throw new ArgumentException($"Sgd: momentum = {momentum}; expected >= 0.");
        if (!(dampening is >= 0f and <= 1f)) throw new ArgumentException($"Sgd: dampening = {dampening}; expected in [0, 1].");
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException($"Sgd: Nesterov momentum requires momentum > 0 and dampening 0; got momentum {momentum}, dampening {dampening}.");
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    public float Momentum { get; }
    public float Dampening { get; }
    public bool Nesterov { get; }

    protected override IReadOnlyList<string> StateSlots => Momentum != 0f ? [MomentumBufferSlot] : [];

    public override void Step()
    {
        foreach (var g in Groups)
        {
            var hp = new SgdParams(g.LearningRate, Momentum, Dampening, g.WeightDecay, Nesterov);
            var batch = new List<SgdTensor>();
            IBackend? backend = null;
            foreach (var (_, p) in g.Parameters)
            {
                if (p.Grad is null) continue;
                var state = StateOf(p);
                Tensor? buffer = null;
                bool first = state.Step == 0;
                if (Momentum != 0f) buffer = Slot(state, MomentumBufferSlot, p, out first);
                if (backend is not null && !ReferenceEquals(backend.Allocator, p.Backend.Allocator))
                {
                    backend.SgdStepMany(batch, hp); // a group spanning devices: one launch per run of same-device parameters
                    batch.Clear();
                }
                backend = p.Backend;
                batch.Add(new SgdTensor(p.Data, p.Grad, buffer, first));
                state.Step++;
            }
            if (backend is not null && batch.Count > 0) backend.SgdStepMany(batch, hp);
        }
    }
}
