package dev.kiln.samples.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.api.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an exported model in ONNX Runtime and measures how far its outputs are from Kiln's. Stateless. */
public final class OrtCheck {
    private OrtCheck() {
    }

    /** The largest absolute difference between ORT's output and {@code expected}, over every output named there. */
    public static double largestDifference(byte[] onnx, String input, Tensor x, Map<String, Tensor> expected) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, opts);
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.floatData()), x.dims());
             OrtSession.Result r = session.run(Map.of(input, in))) {
            double worst = 0;
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                OnnxTensor t = (OnnxTensor) r.get(e.getKey()).orElseThrow(() -> new IllegalStateException("ORT gave no output " + e.getKey()));
                FloatBuffer got = t.getFloatBuffer();
                float[] want = e.getValue().floatData();
                if (got.remaining() != want.length) {
                    throw new IllegalStateException("output " + e.getKey() + ": ORT gave " + got.remaining() + " values, Kiln " + want.length);
                }
                for (int i = 0; i < want.length; i++) {
                    worst = Math.max(worst, Math.abs(got.get(i) - want[i]));
                }
            }
            return worst;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not run the exported model: " + e.getMessage(), e);
        }
    }
}
