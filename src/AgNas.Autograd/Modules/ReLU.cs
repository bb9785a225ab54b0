namespace AgNas.Autograd.Modules;

/// <summary>max(x, 0) elementwise (torch.nn.ReLU). No parameters.</summary>
public sealed class ReLU : Module
{
    public override Var Forward(Var x) => Functional.Relu(x);
}
