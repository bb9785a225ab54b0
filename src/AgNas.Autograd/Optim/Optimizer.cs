using AgNas.Tensors;

namespace AgNas.Autograd.Optim;

/// <summary>
/// Base of the optimisers: parameter groups (each with its own learning rate and weight decay),
/// per-parameter state created lazily on a parameter's first step (detached from every scope and
/// owned by the optimiser), <see cref="ZeroGrad"/>, and state export/import for resuming.
/// Parameters whose gradient is null are skipped by <see cref="Step"/>, as PyTorch does.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups;
    private readonly Dictionary<Parameter, ParamState> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>A parameter's step count and named state tensors.</summary>
    protected sealed class ParamState
    {
        public int Step { get; set; }
        public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);
    }

    /// <exception cref="ArgumentException">No group, a parameter or a name in two places, or a bad hyper-parameter.</exception>
    protected Optimizer(IEnumerable<ParamGroup> groups, float learningRate, float weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups.ToList();
        if (_groups.Count == 0) throw new ArgumentException($"{GetType().Name}: no parameter groups given.");
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var g in _groups)
        {
            foreach (var (name, p) in g.Parameters)
            {
                if (!seen.Add(p)) problems.Add($"parameter '{name}' appears twice");
                else if (!names.Add(name)) problems.Add($"name '{name}' is used by two parameters");
            }
        }
        if (problems.Count > 0) throw new ArgumentException($"{GetType().Name}: {string.Join("; ", problems)}; each parameter must belong to one group under one unique name.");
        foreach (var g in _groups) g.Attach(this, learningRate, weightDecay);
    }

    /// <summary>One group holding all the parameters.</summary>
    protected static IEnumerable<ParamGroup> OneGroup(IEnumerable<(string Name, Parameter Param)> parameters) => [new ParamGroup(parameters)];

    public IReadOnlyList<ParamGroup> Groups => _groups;

    /// <summary>Every group's learning rate: reading gives the first group's, setting sets all.</summary>
    public float LearningRate
    {
        get => _groups[0].LearningRate;
        set
        {
            foreach (var g in _groups) g.LearningRate = value;
        }
    }

    /// <summary>The names of the per-parameter state tensors, e.g. "momentum_buffer" (none for plain SGD).</summary>
    protected abstract IReadOnlyList<string> StateSlots { get; }

    /// <summary>Updates every parameter that has a gradient, in place.</summary>
    public abstract void Step();

    /// <summary>Clears the gradients of every parameter of every group (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var g in _groups)
        {
            foreach (var (_, p) in g.Parameters) p.ClearGrad();
        }
    }

    /// <summary>The state of <paramref name="p"/>, created empty on first use.</summary>
    protected ParamState StateOf(Parameter p)
    {
        if (!_state.TryGetValue(p, out var s)) _state[p] = s = new ParamState();
        return s;
    }

    /// <summary>The state tensor <paramref name="slot"/> of <paramref name="p"/>; created as zeros (detached from scopes) when absent, with <paramref name="created"/> true.</summary>
    protected static Tensor Slot(ParamState state, string slot, Parameter p, out bool created)
    {
        created = !state.Tensors.TryGetValue(slot, out var t);
        if (created)
        {
            t = Tensor.Zeros(p.Shape, p.Backend).DetachFromScope();
            state.Tensors[slot] = t;
        }
        return t!;
    }

    /// <summary>Steps taken by the parameter (0 before its first update).</summary>
    public int StepCount(Parameter p) => _state.TryGetValue(p, out var s) ? s.Step : 0;

    /// <summary>
    /// The state for a checkpoint. The tensors are the optimiser's own: read them (e.g. write them
    /// to a file) before the next <see cref="Step"/>, and do not dispose them.
    /// </summary>
    public OptimizerState ExportState()
    {
        var tensors = new List<(string, Tensor)>();
        var steps = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in _groups)
        {
            foreach (var (name, p) in g.Parameters)
            {
                if (!_state.TryGetValue(p, out var s)) continue;
                steps[name] = s.Step;
                foreach (var slot in StateSlots)
                {
                    if (s.Tensors.TryGetValue(slot, out var t)) tensors.Add((name + "." + slot, t));
                }
            }
        }
        return new OptimizerState(tensors, steps, _groups.Select(g => new GroupState(g.LearningRate, g.InitialLearningRate)).ToList());
    }

    /// <summary>
    /// Replaces the whole state with a copy of <paramref name="state"/> (tensors are copied to each
    /// parameter's backend; the given ones stay the caller's) and restores the groups' learning
    /// rates. Everything is checked first and every problem is reported in one exception; on error
    /// the current state is kept.
    /// </summary>
    /// <exception cref="ArgumentException">Listing unknown names, missing or unexpected tensors, shape mismatches and a group count mismatch.</exception>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var byName = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var g in _groups)
        {
            foreach (var (name, p) in g.Parameters) byName[name] = p;
        }
        var problems = new List<string>();
        if (state.Groups.Count != _groups.Count)
            problems.Add($"{state.Groups.Count} groups given, the optimiser has {_groups.Count}");

        var unknown = state.Steps.Keys.Where(n => !byName.ContainsKey(n)).ToList();
        if (unknown.Count > 0) problems.Add($"unknown parameters: [{string.Join(", ", unknown)}]");
        var badSteps = state.Steps.Where(kv => kv.Value < 0).Select(kv => $"{kv.Key}: {kv.Value}").ToList();
        if (badSteps.Count > 0) problems.Add($"negative step counts: [{string.Join(", ", badSteps)}]");

        var expected = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, _) in state.Steps)
        {
            if (!byName.TryGetValue(name, out var p)) continue;
            foreach (var slot in StateSlots) expected[name + "." + slot] = p;
        }
        var given = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var duplicated = new List<string>();
        var unexpected = new List<string>();
        var shape = new List<string>();
        foreach (var (name, t) in state.Tensors)
        {
            if (!given.TryAdd(name, t)) { duplicated.Add(name); continue; }
            if (!expected.TryGetValue(name, out var p)) { unexpected.Add(name); continue; }
            if (t.Shape != p.Shape || t.DType != DType.Float32) shape.Add($"{name}: given {t.Shape} {t.DType}, parameter is {p.Shape} Float32");
        }
        var missing = expected.Keys.Where(k => !given.ContainsKey(k)).ToList();
        if (missing.Count > 0) problems.Add($"missing tensors: [{string.Join(", ", missing)}]");
        if (unexpected.Count > 0) problems.Add($"unexpected tensors (no such parameter, slot or step count): [{string.Join(", ", unexpected)}]");
        if (shape.Count > 0) problems.Add($"shape or dtype mismatches: [{string.Join("; ", shape)}]");
        if (duplicated.Count > 0) problems.Add($"duplicated tensors: [{string.Join(", ", duplicated)}]");
        if (problems.Count > 0)
            throw new ArgumentException($"{GetType().Name}.ImportState: the state does not match; nothing was imported. {string.Join("; ", problems)}.");

        // Copy before clearing: the given tensors may be this optimiser's own (an export re-imported).
        var fresh = new List<(Parameter, ParamState)>();
        foreach (var (name, step) in state.Steps)
        {
            var p = byName[name];
            var s = new ParamState { Step = step };
            foreach (var slot in StateSlots)
            {
                var src = given[name + "." + slot];
                var copy = ReferenceEquals(src.Backend, p.Backend) ? src.Clone() : src.To(p.Backend);
                s.Tensors[slot] = copy.DetachFromScope();
            }
            fresh.Add((p, s));
        }
        ClearState();
        foreach (var (p, s) in fresh) _state[p] = s;
        for (int i = 0; i < _groups.Count; i++)
        {
            _groups[i].LearningRate = state.Groups[i].LearningRate;
            _groups[i].InitialLearningRate = state.Groups[i].InitialLearningRate;
        }
    }

    private void ClearState()
    {
        foreach (var s in _state.Values)
        {
            foreach (var t in s.Tensors.Values) t.Dispose();
        }
        _state.Clear();
    }

    /// <summary>Disposes the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        ClearState();
        GC.SuppressFinalize(this);
    }
}
