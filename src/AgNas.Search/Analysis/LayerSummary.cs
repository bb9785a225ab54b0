using AgNas.Tensors;

namespace AgNas.Search.Analysis;

/// <summary>One top-level layer of a <see cref="NetworkSummary"/>.</summary>
/// <param name="Name">Its dotted name in the state dict (<c>stem</c>, <c>cells.6</c>, <c>classifier</c>).</param>
/// <param name="Type">The module's class name (<c>DartsCell</c>, <c>ResNetBasicBlock</c>).</param>
/// <param name="Output">Its output for one image without the batch dimension, (C, H, W) or (features); null when the layer did not run.</param>
/// <param name="Parameters">Trainable elements (a parameter shared with an earlier layer counts there only).</param>
/// <param name="MultiplyAdds">Multiply-adds for one image (<see cref="Analysis.MultiplyAdds"/>' convention), every call of the layer's convs and linear layers summed.</param>
/// <param name="InTotals">False for a layer the summary shows but leaves out of its totals (DARTS' auxiliary head, training only).</param>
public sealed record LayerSummary(string Name, string Type, Shape? Output, long Parameters, long MultiplyAdds, bool InTotals);
