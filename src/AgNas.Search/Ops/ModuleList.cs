using AgNas.Autograd;
using AgNas.Autograd.Modules;

namespace AgNas.Search.Ops;

/// <summary>
/// An ordered holder of child modules named "0", "1", … (torch.nn.ModuleList): it gives them
/// their place in the parameter and state-dict names and has no forward of its own.
/// </summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> _items = [];

    public ModuleList(IEnumerable<T>? items = null)
    {
        if (items is null) return;
        foreach (var item in items) Append(item);
    }

    public int Count => _items.Count;

    public T this[int index] => _items[index];

    /// <summary>The children in order.</summary>
    public IReadOnlyList<T> Items => _items;

    /// <summary>Adds a module at the end, named by its index.</summary>
    public ModuleList<T> Append(T item)
    {
        _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item));
        return this;
    }

    /// <exception cref="NotSupportedException">Always: a list has no forward; call its items.</exception>
    public override Var Forward(Var x) =>
        throw new NotSupportedException("ModuleList has no forward; call its items (as torch.nn.ModuleList).");
}
