package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** dev.kiln::FusedMatMul against ONNX Runtime running the MatMul, Add and activation it stands for. */
class FusedMatMulOrtTest {
    private final Random random = new Random(21);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, -1f, 1f, dims);
    }

    @Test
    void matchesTheUnfusedChainForEachActivation() {
        for (String act : new String[] {"", "Relu", "Gelu", "Sigmoid", "Tanh"}) {
            Tensor x = random(3, 17, 40);
            Tensor w = random(40, 33);
            Tensor b = random(33);
            Node fused = Node.builder("FusedMatMul").domain(LinalgKernels.FUSED_DOMAIN).inputs("x", "w", "b").output("y")
                    .attr("activation", act).build();
            Tensor kiln = KernelHarness.runOne(fused, x, w, b);
            Graph.Builder g = Graph.builder("chain").input("x", new ValueType.TensorType(DType.FLOAT, x.shape()))
                    .output("y", new ValueType.TensorType(DType.FLOAT, null)).initializer("w", w).initializer("b", b)
                    .node(Node.builder("MatMul").inputs("x", "w").output("p").build())
                    .node(Node.builder("Add").inputs("p", "b").output(act.isEmpty() ? "y" : "z").build());
            if (!act.isEmpty()) {
                g.node(Node.builder(act).input("z").output("y").build());
            }
            Tensor ort = OrtReference.run(Model.builder(g.build()).opset("", 20).irVersion(9).build(), Map.of("x", x)).get("y");
            TensorAssert.assertClose(ort, kiln, 1e-5, 1e-5);
        }
    }

    @Test
    void withoutABiasItIsAPlainMatMul() {
        Tensor x = random(5, 8);
        Tensor w = random(8, 3);
        Node fused = Node.builder("FusedMatMul").domain(LinalgKernels.FUSED_DOMAIN).inputs("x", "w").output("y").build();
        List<Tensor> ort = OrtReference.runNode(Node.builder("MatMul").inputs("x", "w").output("y").build(), 13, List.of(x, w), List.of(DType.FLOAT));
        TensorAssert.assertClose(ort.get(0), KernelHarness.runOne(fused, x, w), 1e-5, 1e-6);
    }
}
