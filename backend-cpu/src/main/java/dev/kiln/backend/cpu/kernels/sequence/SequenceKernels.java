package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/**
 * Registers the sequence and optional kernels. SequenceMap runs a subgraph per element and so lives in
 * the runtime beside If/Loop/Scan, not here.
 */
public final class SequenceKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "SequenceConstruct", (request, execution) -> new SequenceConstructKernel());
        registry.add("", "SequenceEmpty", (request, execution) -> new SequenceEmptyKernel(request));
        registry.add("", "SequenceInsert", (request, execution) -> new SequenceInsertKernel());
        registry.add("", "SequenceAt", (request, execution) -> new SequenceAtKernel());
        registry.add("", "SequenceErase", (request, execution) -> new SequenceEraseKernel());
        registry.add("", "SequenceLength", (request, execution) -> new SequenceLengthKernel());
        registry.add("", "SplitToSequence", SplitToSequenceKernel::new);
        registry.add("", "ConcatFromSequence", ConcatFromSequenceKernel::new);
        registry.add("", "Optional", (request, execution) -> new OptionalKernel(request));
        registry.add("", "OptionalHasElement", (request, execution) -> new OptionalHasElementKernel());
        registry.add("", "OptionalGetElement", (request, execution) -> new OptionalGetElementKernel());
    }
}
