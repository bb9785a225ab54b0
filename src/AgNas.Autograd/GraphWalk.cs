using AgNas.Tensors;

namespace AgNas.Autograd;

/// <summary>
/// Reverse-mode differentiation: orders the graph below a root topologically (iteratively: a
/// supernet graph is thousands of nodes deep), then visits each function once with the sum of the
/// gradients of its output, and accumulates leaf gradients into <see cref="Var.Grad"/>.
/// </summary>
internal static class GraphWalk
{
    public static void Run(Var root, Tensor? seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: {root} does not require a gradient (no input of its graph is a parameter or a Var created with requiresGrad).");
        if (seed is null)
        {
            if (root.Data.Size != 1)
                throw new InvalidOperationException($"Backward: {root} has shape {root.Shape}; a gradient seed of that shape is needed when the output is not a scalar.");
            seed = Tensor.Full(root.Shape, 1f, root.Backend);
        }
        else if (seed.Shape != root.Shape)
        {
            throw new ArgumentException($"Backward: seed has shape {seed.Shape}; expected the output's shape {root.Shape}.");
        }

        var order = TopologicalOrder(root);
        var pending = new Dictionary<Var, Tensor>(ReferenceEqualityComparer.Instance) { [root] = seed };
        // How many pending entries hold each gradient tensor (a backward may hand the same dy to
        // several inputs). A gradient nobody holds any more is released at once, so the backward
        // pass keeps only its frontier of gradients alive instead of every one until the step ends.
        var holders = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance) { [seed] = 1 };
        void Hold(Tensor t) => holders[t] = holders.GetValueOrDefault(t) + 1;
        void Drop(Tensor t)
        {
            int n = holders[t] - 1;
            if (n > 0) { holders[t] = n; return; }
            holders.Remove(t);
            if (!ReferenceEquals(t, seed)) t.Dispose();
        }

        foreach (var v in order)
        {
            if (!pending.Remove(v, out var g)) continue;
            if (v.Creator is null)
            {
                v.AccumulateGrad(g);
                Drop(g);
                continue;
            }
            var grads = v.Creator.Backward(g);
            var inputs = v.Creator.Inputs;
            if (grads.Length != inputs.Count)
                throw new InvalidOperationException($"{v.Creator.Name}.Backward returned {grads.Length} gradients for {inputs.Count} inputs.");
            for (int i = 0; i < grads.Length; i++)
            {
                var gi = grads[i];
                var input = inputs[i];
                if (gi is null || !input.RequiresGrad) continue;
                if (gi.Shape != input.Shape)
                    throw new InvalidOperationException($"{v.Creator.Name}.Backward: gradient {i} has shape {gi.Shape}; expected {input.Shape}.");
                if (pending.TryGetValue(input, out var sofar))
                {
                    // Never write into a tensor a backward returned: it may alias another gradient.
                    var sum = Tensor.Empty(input.Shape, input.Backend);
                    input.Backend.Add(sum, sofar, gi);
                    pending[input] = sum;
                    Hold(sum);
                    Drop(sofar);
                    if (!holders.ContainsKey(gi) && !ReferenceEquals(gi, g)) gi.Dispose();
                }
                else
                {
                    pending[input] = gi;
                    Hold(gi);
                }
            }
            // Returned gradients that nobody took (inputs needing none) were never held.
            foreach (var gi in grads)
            {
                if (gi is not null && !holders.ContainsKey(gi) && !ReferenceEquals(gi, g)) gi.Dispose();
            }
            Drop(g);
        }
    }

    /// <summary>Vars below <paramref name="root"/> that need a gradient, every consumer before its inputs.</summary>
    private static List<Var> TopologicalOrder(Var root)
    {
        var visited = new HashSet<Var>(ReferenceEqualityComparer.Instance);
        var postOrder = new List<Var>();
        var stack = new Stack<(Var Node, int NextInput)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var inputs = node.Creator?.Inputs;
            if (inputs is not null && next < inputs.Count)
            {
                stack.Push((node, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
                continue;
            }
            postOrder.Add(node);
        }
        postOrder.Reverse();
        return postOrder;
    }
}
