import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Times a BERT-style ONNX model (all-MiniLM-L6-v2) on ONNX Runtime's CUDA execution provider, for the
 * device check. Run with the onnxruntime_gpu jar alone on the class path (it conflicts with the CPU jar):
 * {@code java -cp onnxruntime_gpu-1.23.2.jar OrtCudaBench.java MODEL BATCH TOKENS RUNS WARMUP}.
 * Prints one line: {@code ort-cuda median_ms=... p90_ms=...}. Inputs are random token ids, every token
 * attended, like Kiln's {@code minilm:BxS} workload.
 */
public final class OrtCudaBench {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int tokens = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(0);
            try (OrtSession session = env.createSession(Files.readAllBytes(model), options)) {
                Random r = new Random(1);
                long[] ids = new long[batch * tokens];
                long[] ones = new long[batch * tokens];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = i % tokens == 0 ? 101 : i % tokens == tokens - 1 ? 102 : 1000 + r.nextInt(29000);
                    ones[i] = 1;
                }
                long[] shape = {batch, tokens};
                Map<String, OnnxTensor> feeds = new HashMap<>();
                for (String name : session.getInputNames()) {
                    long[] values = name.contains("mask") ? ones : name.contains("type") ? new long[ids.length] : ids;
                    feeds.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape));
                }
                double[] ms = new double[runs];
                for (int i = -warmup; i < runs; i++) {
                    long t0 = System.nanoTime();
                    try (OrtSession.Result out = session.run(feeds)) {
                        out.get(0).getValue();
                    }
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                Arrays.sort(ms);
                System.out.printf(java.util.Locale.ROOT, "ort-cuda median_ms=%.3f p90_ms=%.3f%n", ms[runs / 2], ms[(int) Math.floor(runs * 0.9)]);
            }
        }
    }
}
