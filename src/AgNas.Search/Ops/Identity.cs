using AgNas.Autograd;
using AgNas.Autograd.Modules;

namespace AgNas.Search.Ops;

/// <summary>The identity (<c>skip_connect</c> at stride 1): returns its input, records nothing. No parameters.</summary>
public sealed class Identity : Module
{
    public override Var Forward(Var x) => x;
}
