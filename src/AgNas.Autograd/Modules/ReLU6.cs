namespace AgNas.Autograd.Modules;

/// <summary>min(max(x, 0), 6) elementwise (torch.nn.ReLU6, the MBConv activation). No parameters.</summary>
public sealed class ReLU6 : Module
{
    public override Var Forward(Var x) => Functional.Relu6(x);
}
