package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the data-movement kernels: shape ops, copies, gathers and scatters, padding, generators and Resize. */
public final class TensorKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "Shape", (request, execution) -> ShapeKernel.shape(request.node()));
        registry.add("", "Size", (request, execution) -> ShapeKernel.size(request.node()));
        registry.add("", "Reshape", ReshapeKernel.factory(ReshapeKernel.Rule.RESHAPE));
        registry.add("", "Flatten", ReshapeKernel.factory(ReshapeKernel.Rule.FLATTEN));
        registry.add("", "Squeeze", ReshapeKernel.factory(ReshapeKernel.Rule.SQUEEZE));
        registry.add("", "Unsqueeze", ReshapeKernel.factory(ReshapeKernel.Rule.UNSQUEEZE));
        registry.add("", "Transpose", TransposeKernel::new);
        registry.add("", "Concat", ConcatKernel::new);
        registry.add("", "Slice", SliceKernel::new);
        registry.add("", "Split", SplitKernel::new);
        registry.add("", "Gather", GatherKernel::new);
        registry.add("", "GatherElements", (request, execution) -> new GatherElementsKernel(request));
        registry.add("", "GatherND", GatherNDKernel::new);
        registry.addAll((request, execution) -> new ScatterElementsKernel(request), "ScatterElements", "Scatter");
        registry.add("", "ScatterND", (request, execution) -> new ScatterNDKernel(request));
        registry.add("", "Expand", ExpandKernel::new);
        registry.add("", "Tile", TileKernel::new);
        registry.add("", "Pad", PadKernel::new);
        registry.add("", "Constant", (request, execution) -> new ConstantKernel(request));
        registry.add("", "ConstantOfShape", (request, execution) -> new ConstantOfShapeKernel(request));
        registry.add("", "Range", (request, execution) -> new RangeKernel());
        registry.add("", "OneHot", (request, execution) -> new OneHotKernel(request));
        registry.add("", "Trilu", (request, execution) -> new TriluKernel(request));
        registry.add("", "CumSum", (request, execution) -> new CumSumKernel(request));
        registry.add("", "NonZero", (request, execution) -> new NonZeroKernel());
        registry.add("", "TopK", TopKKernel::new);
        registry.add("", "EyeLike", (request, execution) -> new EyeLikeKernel(request));
        registry.add("", "DepthToSpace", DepthToSpaceKernel::depthToSpace);
        registry.add("", "SpaceToDepth", DepthToSpaceKernel::spaceToDepth);
        registry.add("", "Compress", (request, execution) -> new CompressKernel(request));
        registry.add("", "ReverseSequence", (request, execution) -> new ReverseSequenceKernel(request));
        registry.add("", "Unique", (request, execution) -> new UniqueKernel(request));
        registry.add("", "Resize", ResizeKernel::new);
    }
}
