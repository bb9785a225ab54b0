using System.Text;
using AgNas.Tensors;

namespace AgNas.Autograd.Modules;

/// <summary>
/// A layer or network: named parameters, buffers (non-trainable tensors such as BatchNorm's running
/// statistics) and child modules, each kept in registration order, with PyTorch's naming
/// ("features.0.weight") and state-dict order (a module's own parameters, then its own buffers,
/// then each child in turn). Parameters and buffers live outside every <see cref="Tensors.Memory.TensorScope"/>;
/// the module owns them and <see cref="Dispose"/> releases them.
/// <para>Training/evaluation mode is per module (<see cref="Train"/>, <see cref="Eval"/>) and
/// propagates to the children; there is no global mode.</para>
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Parameter Param)> _parameters = [];
    private readonly List<BufferSlot> _buffers = [];
    private readonly List<(string Name, Module Child)> _children = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _disposed;

    private sealed class BufferSlot(string name, Tensor value)
    {
        public string Name { get; } = name;
        public Tensor Value { get; set; } = value;
    }

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>The forward pass.</summary>
    public abstract Var Forward(Var x);

    // ---- registration -------------------------------------------------------------------------

    /// <summary>Registers a parameter under <paramref name="name"/> (no dots) and returns it.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is taken in this module.</exception>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Claim(name, "parameter");
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers a buffer (a tensor the module owns but does not train, e.g. running_mean). The
    /// tensor is detached from its scope. Read it back with <see cref="GetBuffer"/>: moving the
    /// module to another backend replaces the tensor.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is taken in this module.</exception>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Claim(name, "buffer");
        _buffers.Add(new BufferSlot(name, buffer.DetachFromScope()));
        return buffer;
    }

    /// <summary>Registers a child module and returns it. The child takes this module's training mode.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is taken in this module; or the child is this module.</exception>
    protected T RegisterModule<T>(string name, T child) where T : Module
    {
        ArgumentNullException.ThrowIfNull(child);
        if (ReferenceEquals(child, this)) throw new ArgumentException($"{GetType().Name}: cannot register a module as its own child '{name}'.");
        Claim(name, "module");
        _children.Add((name, child));
        child.Train(IsTraining);
        return child;
    }

    /// <summary>The current tensor of this module's buffer <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such buffer in this module.</exception>
    protected Tensor GetBuffer(string name)
    {
        foreach (var slot in _buffers)
        {
            if (slot.Name == name) return slot.Value;
        }
        throw new KeyNotFoundException($"{GetType().Name}: no buffer named '{name}'; buffers: [{string.Join(", ", _buffers.Select(b => b.Name))}].");
    }

    /// <summary>
    /// Called on every module of the tree after <see cref="LoadStateDict"/> or <see cref="To"/>
    /// replaced or overwrote its tensors, so that host-side mirrors (e.g. a batch counter) can be
    /// refreshed.
    /// </summary>
    protected virtual void OnStateLoaded() { }

    /// <summary>Tells this module and its descendants that their tensors were overwritten from outside (a checkpoint load).</summary>
    internal void NotifyStateLoaded()
    {
        foreach (var (_, m) in NamedModules()) m.OnStateLoaded();
    }

    /// <summary>Releases what a subclass holds besides its parameters and buffers (called once by <see cref="Dispose"/>).</summary>
    protected virtual void OnDisposed() { }

    private void Claim(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (name.Length == 0 || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: {kind} name '{name}' is empty or contains '.'; names are joined with dots in the state dict.");
        if (!_names.Add(name))
            throw new ArgumentException($"{GetType().Name}: a parameter, buffer or module named '{name}' is already registered.");
    }

    // ---- traversal ----------------------------------------------------------------------------

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    public IEnumerable<Module> Children() => _children.Select(c => c.Child);

    /// <summary>
    /// This module (name "") and every descendant, depth first in registration order, with dotted
    /// names; a module reachable twice is listed once, under its first name (as PyTorch).
    /// </summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (name, m) = stack.Pop();
            if (!seen.Add(m)) continue;
            yield return (name, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((Join(name, m._children[i].Name), m._children[i].Child));
        }
    }

    /// <summary>
    /// Every parameter with its dotted name ("features.0.weight"): a module's own parameters, then
    /// its descendants' in <see cref="NamedModules"/> order. A parameter shared by several modules is
    /// listed once, under its first name (PyTorch's named_parameters).
    /// </summary>
    public IEnumerable<(string Name, Parameter Param)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var (name, p) in m._parameters)
            {
                if (seen.Add(p)) yield return (Join(prefix, name), p);
            }
        }
    }

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(np => np.Param);

    /// <summary>Every buffer with its dotted name ("1.running_mean"), in <see cref="NamedModules"/> order.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var slot in m._buffers)
            {
                if (seen.Add(slot.Value)) yield return (Join(prefix, slot.Name), slot.Value);
            }
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- mode ---------------------------------------------------------------------------------

    /// <summary>Sets training mode (or evaluation mode when <paramref name="on"/> is false) on this module and every descendant.</summary>
    public Module Train(bool on = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = on;
        return this;
    }

    /// <summary>Evaluation mode for this module and every descendant (BatchNorm uses its running statistics).</summary>
    public Module Eval() => Train(false);

    // ---- state --------------------------------------------------------------------------------

    /// <summary>
    /// The parameters' values and the buffers, in PyTorch's state_dict order and naming: a module's
    /// own parameters, then its own buffers, then each child recursively with its name as prefix.
    /// The tensors are the module's own (not copies): read them, do not dispose them.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor Value)> StateDict()
    {
        var list = new List<(string, Tensor)>();
        AppendState(list, "");
        return list;
    }

    private void AppendState(List<(string, Tensor)> list, string prefix)
    {
        foreach (var (name, p) in _parameters) list.Add((Join(prefix, name), p.Data));
        foreach (var slot in _buffers) list.Add((Join(prefix, slot.Name), slot.Value));
        foreach (var (name, child) in _children) child.AppendState(list, Join(prefix, name));
    }

    /// <summary>
    /// Copies <paramref name="state"/> into the module's parameters and buffers (in place: the
    /// Parameter objects, and so an optimiser's references to them, stay the same). Every name,
    /// shape and dtype is checked first and all problems are reported in one exception; on error
    /// nothing is copied. The tensors may be on any backend. With <paramref name="strict"/> false,
    /// missing and unexpected names are allowed and returned; shape and dtype mismatches are always errors.
    /// </summary>
    /// <exception cref="ArgumentException">Listing every missing, unexpected, duplicated, shape- or dtype-mismatched name.</exception>
    public LoadStateDictResult LoadStateDict(IEnumerable<(string Name, Tensor Value)> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var own = StateDict();
        var given = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var duplicated = new List<string>();
        var givenOrder = new List<string>();
        foreach (var (name, t) in state)
        {
            if (!given.TryAdd(name, t)) duplicated.Add(name);
            else givenOrder.Add(name);
        }

        var ownNames = new HashSet<string>(own.Select(o => o.Name), StringComparer.Ordinal);
        var missing = own.Where(o => !given.ContainsKey(o.Name)).Select(o => o.Name).ToList();
        var unexpected = givenOrder.Where(n => !ownNames.Contains(n)).ToList();
        var shapeMismatch = new List<string>();
        var dtypeMismatch = new List<string>();
        foreach (var (name, dst) in own)
        {
            if (!given.TryGetValue(name, out var src)) continue;
            if (src.Shape != dst.Shape) shapeMismatch.Add($"{name}: given {src.Shape}, module has {dst.Shape}");
            else if (src.DType != dst.DType) dtypeMismatch.Add($"{name}: given {src.DType}, module has {dst.DType}");
        }

        var problems = new List<string>();
        if (strict && missing.Count > 0) problems.Add($"missing keys ({missing.Count}): [{string.Join(", ", missing)}]");
        if (strict && unexpected.Count > 0) problems.Add($"unexpected keys ({unexpected.Count}): [{string.Join(", ", unexpected)}]");
        if (shapeMismatch.Count > 0) problems.Add($"shape mismatches ({shapeMismatch.Count}): [{string.Join("; ", shapeMismatch)}]");
        if (dtypeMismatch.Count > 0) problems.Add($"dtype mismatches ({dtypeMismatch.Count}): [{string.Join("; ", dtypeMismatch)}]");
        if (duplicated.Count > 0) problems.Add($"duplicated keys ({duplicated.Count}): [{string.Join(", ", duplicated)}]");
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict into {GetType().Name}: the state does not match; nothing was loaded. " + string.Join("; ", problems) + ".");

        foreach (var (name, dst) in own)
        {
            if (given.TryGetValue(name, out var src) && !ReferenceEquals(src, dst)) CopyInto(dst, src);
        }
        NotifyStateLoaded();
        return new LoadStateDictResult(missing, unexpected);
    }

    private static void CopyInto(Tensor dst, Tensor src)
    {
        if (ReferenceEquals(dst.Backend, src.Backend))
        {
            dst.Backend.Copy(dst, src);
            return;
        }
        var host = new byte[src.Size * src.DType.ByteSize()];
        src.Backend.CopyToHost(host, src);
        dst.Backend.CopyFromHost(dst, host);
    }

    /// <summary>
    /// Moves every parameter (with its gradient) and buffer to <paramref name="backend"/>; those
    /// already there are left alone. Parameter objects stay the same. Create the optimiser after
    /// moving the model: its state stays where it was created.
    /// </summary>
    public Module To(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var p in Parameters())
        {
            if (ReferenceEquals(p.Data.Backend, backend)) continue;
            var grad = p.Grad?.To(backend).DetachFromScope();
            p.SetData(p.Data.To(backend));
            p.Grad = grad;
        }
        foreach (var (_, m) in NamedModules())
        {
            foreach (var slot in m._buffers)
            {
                if (ReferenceEquals(slot.Value.Backend, backend)) continue;
                var old = slot.Value;
                slot.Value = old.To(backend).DetachFromScope();
                old.Dispose();
            }
        }
        NotifyStateLoaded();
        return this;
    }

    /// <summary>Clears every parameter's gradient (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ClearGrad();
    }

    /// <summary>The number of trainable elements (each shared parameter counted once).</summary>
    public long ParameterCount() => Parameters().Sum(p => p.Data.Size);

    // ---- display and disposal -----------------------------------------------------------------

    /// <summary>The layer's settings for <see cref="ToString"/>, e.g. "3, 16, kernel 3, stride 1".</summary>
    protected virtual string ExtraRepr => "";

    /// <summary>A tree of the module and its children, one line per module.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Describe(sb, 0);
        return sb.ToString();
    }

    private void Describe(StringBuilder sb, int indent)
    {
        sb.Append(GetType().Name).Append('(').Append(ExtraRepr);
        if (_children.Count == 0)
        {
            sb.Append(')');
            return;
        }
        sb.AppendLine();
        foreach (var (name, child) in _children)
        {
            sb.Append(' ', indent + 2).Append('(').Append(name).Append("): ");
            child.Describe(sb, indent + 2);
            sb.AppendLine();
        }
        sb.Append(' ', indent).Append(')');
    }

    /// <summary>Disposes every parameter (value and gradient) and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        foreach (var (_, m) in NamedModules().ToList())
        {
            if (m._disposed) continue;
            m._disposed = true;
            foreach (var (_, p) in m._parameters)
            {
                p.ClearGrad();
                p.Data.Dispose();
            }
            foreach (var slot in m._buffers) slot.Value.Dispose();
            m.OnDisposed();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>What <see cref="Module.LoadStateDict"/> did not match (always empty when strict).</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
