package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
    @Test
    void miniLmFeedsEveryInputTheModelDeclaresWithTheRequestedShape() {
        Workload w = Workloads.miniLm(2, 5);
        assertEquals(OnnxModelReader.graphInputNames(w.modelBytes()), List.copyOf(w.feeds().keySet()));
        assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), w.feeds().keySet());
        for (Tensor t : w.feeds().values()) {
            assertArrayEquals(new long[] {2, 5}, t.shape().dims());
        }
    }
}
