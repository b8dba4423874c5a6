package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;

import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a recurrent op as IR: {@link #forward} recomputes one time step from its input
 * projection, {@link #backward} emits that step's gradients. The rows of the weights are this cell's
 * gates ({@link #gates()} blocks of {@code hidden} rows). A value that is null stands for zero (an absent
 * initial state, a gradient that does not flow). One instance per direction and rule call; not thread-safe.
 */
abstract class RecurrentCell {
    protected final GradientContext g;
    protected final int hidden;
    /** This direction's R, [gates*hidden, hidden]. */
    protected final String r;
    /** This direction's Rb, [gates*hidden], or null without B. */
    protected final String rb;

    /** What one step computed in the forward recomputation and, after {@link #backward}, its gradients. */
    static final class Step {
        int time;
        String hPrev;
        String cPrev;
        String h;
        String c;
        /** Cell-specific intermediates. */
        final List<String> saved = new ArrayList<>();
        /** Gradient of the step's pre-activations from X W^T + Wb, [batch, gates*hidden]. */
        String dInput;
        /** Gradient of the step's Rb term, [batch, gates*hidden]. */
        String dRb;
        /** Blocks of the R gradient: dR rows += grad^T input, in gate-row order; empty when hPrev is zero. */
        final List<String[]> rBlocks = new ArrayList<>();
        String dhPrev;
        String dcPrev;
    }

    RecurrentCell(GradientContext g, int hidden, String r, String rb) {
        this.g = g;
        this.hidden = hidden;
        this.r = r;
        this.rb = rb;
    }

    abstract int gates();

    /** Whether the op carries a cell state C (LSTM). */
    boolean hasCellState() {
        return false;
    }

    /** The bias added to every step's X W^T, from Wb and Rb ([gates*hidden] each). */
    String inputBias(String wb, String rbias) {
        return g.add(wb, rbias);
    }

    /** Recomputes one step; {@code xw} is X_t W^T plus {@link #inputBias}, [batch, gates*hidden]. */
    abstract Step forward(String xw, String hPrev, String cPrev);

    /**
     * Fills the step's gradients from {@code dh} (never null) and {@code dc} (LSTM; never null there);
     * {@code needH}/{@code needC}: whether dhPrev/dcPrev are wanted.
     */
    abstract void backward(Step s, String dh, String dc, boolean needH, boolean needC);

    // helpers shared by the cells

    protected String x() {
        return g.input(0);
    }

    protected String one() {
        return g.scalar(1, x());
    }

    /** y (1 - y): the derivative of Sigmoid through its output. */
    protected String sigmoidGrad(String y) {
        return g.mul(y, g.sub(one(), y));
    }

    /** dy (1 - y^2): a gradient through Tanh, given its output y. */
    protected String throughTanh(String dy, String y) {
        return g.mul(dy, g.sub(one(), g.mul(y, y)));
    }

    protected String[] split(String v, int axis, long... sizes) {
        return g.emit(Node.builder("Split").inputs(v, g.ints(sizes)).attr("axis", (long) axis), sizes.length);
    }

    protected String concat(int axis, String... parts) {
        return g.emit(Node.builder("Concat").inputs(parts).attr("axis", (long) axis));
    }

    protected String matMul(String a, String b) {
        return g.op("MatMul", a, b);
    }

    protected String transpose(String m) {
        return g.emit(Node.builder("Transpose").input(m).attr("perm", 1L, 0L));
    }

    protected String zerosLike(String v) {
        return g.full(0, v, x());
    }
}
