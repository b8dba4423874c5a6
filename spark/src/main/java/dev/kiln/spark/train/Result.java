package dev.kiln.spark.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Checkpoint;
import dev.kiln.runtime.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link SparkTrainer#fit} returns: the final trainer state (weights, optimizer state, step count)
 * and the global mean loss of each step this call ran (every-step mode) or of each average (averaging
 * mode). Immutable.
 */
public final class Result {
    private final Checkpoint state;
    private final List<Double> losses;

    Result(Checkpoint state, List<Double> losses) {
        this.state = state;
        this.losses = List.copyOf(losses);
    }

    /** Every parameter and buffer by name. */
    public Map<String, Tensor> parameters() {
        return state.parameters();
    }

    /** The state to continue from, e.g. {@code trainer.restore(result.checkpoint())} on a local trainer. */
    public Checkpoint checkpoint() {
        return state;
    }

    public long steps() {
        return state.step();
    }

    public List<Double> losses() {
        return losses;
    }

    /** Copies the trained state into a local trainer of the same network (to evaluate or export it). */
    public void applyTo(Trainer trainer) {
        trainer.restore(state);
    }

    static byte[] encode(byte[] state, List<Double> losses) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(losses.size());
            for (double l : losses) {
                out.writeDouble(l);
            }
            out.writeInt(state.length);
            out.write(state);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result decode(byte[] b) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            List<Double> losses = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                losses.add(in.readDouble());
            }
            byte[] state = new byte[in.readInt()];
            in.readFully(state);
            return new Result(TrainingState.decode(state), losses);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt result from rank 0", e);
        }
    }
}
