package dev.kiln.runtime.train;

import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Parameters;
import dev.kiln.runtime.train.layers.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Trains a {@link Network}: {@link #fit} runs epochs of shuffled mini-batches through one compiled
 * training-step graph (forward, backward, optimizer), {@link #evaluate} and {@link #predict} run the
 * inference form. Weights and optimizer state are tensors held here and fed to each step as they came
 * out of the previous one; nothing is re-copied between steps. One generator, seeded once, draws the
 * initial weights, every epoch's order and every dropout mask, and its state is part of a
 * {@link Checkpoint}, so a resumed run continues bit-identically.
 *
 * <p>Every step is checked for NaN and infinities (loss, gradients, updated weights) and stopped or skipped
 * as {@link Builder#onNonFinite} says; a bad step never reaches the weights.
 *
 * <p>Not thread-safe: one thread drives a trainer. {@link #close()} closes its sessions.
 */
public final class Trainer implements AutoCloseable {
    private final Network network;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final int batchSize;
    private final List<TrainingListener> listeners;
    private final Parameters params;
    private final List<Pattern> frozen;
    private final double clipNorm;
    private final NonFinitePolicy onNonFinite;
    private long skippedSteps;
    private TrainingGraphs.Step stepGraph;
    private final Map<String, Tensor> optimizerState = new LinkedHashMap<>();
    private final SessionOptions sessionOptions;
    private final long seed;
    private Rng rng;
    /** Where the current epoch stands; null between epochs. */
    private Checkpoint.EpochProgress progress;
    private long step;
    private int epoch;
    private boolean stopRequested;
    private Session trainSession;
    private Session evalSession;
    private Session inferSession;
    private TrainingGraphs.SplitStep splitStep;
    private Session gradientSession;
    private Session updateSession;

    private Trainer(Builder b) {
        this.network = b.network;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.batchSize = b.batchSize;
        this.listeners = List.copyOf(b.listeners);
        this.sessionOptions = b.sessionOptions;
        this.seed = b.seed;
        this.rng = new Rng(b.seed);
        this.params = new Parameters(b.seed ^ 0x5DEECE66DL);
        this.frozen = List.copyOf(b.frozen);
        this.clipNorm = b.clipNorm;
        this.onNonFinite = b.onNonFinite;
        TrainingGraphs.inference(network, params);
    }

    /**
     * The training step, built on first use (so a network whose ops lack gradient rules can still be
     * evaluated and exported); creates the zero optimizer state.
     */
    private TrainingGraphs.Step stepGraph() {
        if (stepGraph == null) {
            TrainingGraphs.Step g = TrainingGraphs.training(network, params, optimizer, frozen, clipNorm);
            for (String s : optimizer.states()) {
                for (String p : g.trainable()) {
                    optimizerState.put(TrainingGraphs.state(p, s), Tensor.zeros(params.get(p).dtype(), params.get(p).shape()));
                }
            }
            stepGraph = g;
        }
        return stepGraph;
    }

    public static Builder builder(Network network) {
        return new Builder(network);
    }

    public Network network() {
        return network;
    }

    public Parameters parameters() {
        return params;
    }

    /** Names of the parameters the optimizer updates (all but buffers and frozen ones). */
    public List<String> trainable() {
        return stepGraph().trainable();
    }

    public long step() {
        return step;
    }

    /** Steps dropped for non-finite values under {@link NonFinitePolicy#SKIP_STEP} by this trainer (not checkpointed). */
    public long skippedSteps() {
        return skippedSteps;
    }

    public int epoch() {
        return epoch;
    }

    public long seed() {
        return seed;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The training-step graph, e.g. to inspect or export it. */
    public Model trainingModel() {
        return stepGraph().model();
    }

    /** Ends {@link #fit} after the current epoch. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains until {@code epochs} epochs are done in total (a resumed trainer continues from its epoch),
     * or a listener requests a stop. {@code validation} may be null. Returns this call's epochs.
     */
    public List<EpochResult> fit(Dataset train, Dataset validation, int epochs) {
        Objects.requireNonNull(train, "train");
        stepGraph();
        stopRequested = false;
        int batches = (train.size() + batchSize - 1) / batchSize;
        listeners.forEach(l -> l.onTrainBegin(this, epochs, batches));
        List<EpochResult> history = new ArrayList<>();
        while (epoch < epochs && !stopRequested) {
            EpochResult r = trainEpoch(train, validation, batches);
            history.add(r);
            listeners.forEach(l -> l.onEpochEnd(this, r));
        }
        listeners.forEach(l -> l.onTrainEnd(this, history));
        return history;
    }

    private EpochResult trainEpoch(Dataset train, Dataset validation, int batches) {
        if (progress == null) {
            int[] order = identity(train.size());
            rng.shuffle(order);
            progress = new Checkpoint.EpochProgress(order, 0, 0, 0);
        } else if (progress.order().length != train.size()) {
            throw new IllegalArgumentException("resuming mid-epoch over " + progress.order().length + " samples, but the data set has "
                    + train.size());
        }
        List<String> columns = columns();
        Head first = firstClassificationHead();
        int startBatch = progress.batch();
        long start = System.nanoTime();
        for (int b = startBatch; b < batches; b++) {
            int from = b * batchSize;
            int to = Math.min(train.size(), from + batchSize);
            Map<String, RuntimeValue> feeds = new HashMap<>(train.rows(columns, progress.order(), from, to));
            Map<String, RuntimeValue> out = runStep(feeds, to - from, b + 1);
            if (out == null) {
                progress = new Checkpoint.EpochProgress(progress.order(), b + 1, progress.lossSum(), progress.correct());
                continue;
            }
            double loss = ((Tensor) out.get(TrainingGraphs.LOSS)).getDouble(0);
            long right = first == null ? 0
                    : Metrics.correct((Tensor) out.get(first.output()), (Tensor) feeds.get(first.labelColumn()));
            progress = new Checkpoint.EpochProgress(progress.order(), b + 1, progress.lossSum() + loss * (to - from),
                    progress.correct() + right);
            double seconds = (System.nanoTime() - start) / 1e9;
            TrainingListener.BatchResult br = new TrainingListener.BatchResult(epoch + 1, b + 1, batches, loss,
                    progress.lossSum() / to, (to - startBatch * batchSize) / seconds);
            listeners.forEach(l -> l.onBatchEnd(this, br));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Checkpoint.EpochProgress done = progress;
        progress = null;
        epoch++;
        Evaluation val = validation == null ? null : evaluate(validation);
        int trained = train.size() - startBatch * batchSize;
        return new EpochResult(epoch, done.lossSum() / train.size(), first == null ? Double.NaN : done.correct() / (double) train.size(),
                val, seconds, trained / seconds);
    }

    /** Runs one step and keeps its results; null when the step was skipped for a non-finite value. */
    private Map<String, RuntimeValue> runStep(Map<String, RuntimeValue> feeds, int rows, int batch) {
        if (trainSession == null) {
            trainSession = Session.open(stepGraph.model(), sessionOptions);
        }
        params.all().forEach(feeds::put);
        feeds.putAll(optimizerState);
        feeds.put(TrainingGraphs.LR, Tensor.scalar((float) schedule.rate(step, optimizer.learningRate())));
        feeds.put(TrainingGraphs.STEP, Tensor.scalar(step + optimizer.firstT()));
        for (NetBuilder.MaskSpec m : stepGraph.masks()) {
            feeds.put(m.input(), mask(m, rows));
        }
        Map<String, RuntimeValue> out = trainSession.run(feeds);
        if (rejected(NonFiniteGuard.check(out, stepGraph.trainable(), updatedValues(stepGraph.trainable(), stepGraph.bufferUpdates().keySet())),
                batch)) {
            return null;
        }
        adoptUpdates(out, stepGraph.trainable());
        adoptBuffers(out, stepGraph.bufferUpdates().keySet());
        step++;
        return out;
    }

    /** Takes the updated weights of {@code trainable} and the optimizer state from a step's outputs. */
    private void adoptUpdates(Map<String, RuntimeValue> out, List<String> trainable) {
        for (String p : trainable) {
            params.set(p, (Tensor) out.get(TrainingGraphs.next(p)));
        }
        for (String s : optimizerState.keySet()) {
            optimizerState.put(s, (Tensor) out.get(TrainingGraphs.next(s)));
        }
    }

    /** Takes the updated buffers (BatchNorm statistics) from a step's outputs. */
    private void adoptBuffers(Map<String, RuntimeValue> out, java.util.Set<String> buffers) {
        for (String buffer : buffers) {
            params.set(buffer, (Tensor) out.get(TrainingGraphs.next(buffer)));
        }
    }

    /**
     * Applies the non-finite policy to a step's finding: false when there is none; true when the step is
     * to be dropped under {@link NonFinitePolicy#SKIP_STEP} (counted, listeners told); throws under STOP.
     */
    private boolean rejected(NonFiniteGuard.Finding bad, int batch) {
        if (bad == null) {
            return false;
        }
        String message = bad.describe(step);
        if (onNonFinite == NonFinitePolicy.STOP) {
            throw new NonFiniteTrainingException(message + "; weights and optimizer state are left as before the step", step, bad.tensor());
        }
        skippedSteps++;
        listeners.forEach(l -> l.onStepSkipped(this, epoch + 1, batch, message));
        return true;
    }

    /** The updated parameters, optimizer state and buffers a step's outputs carry, by output name. */
    private List<String> updatedValues(List<String> trainable, java.util.Set<String> buffers) {
        List<String> names = new ArrayList<>();
        trainable.forEach(p -> names.add(TrainingGraphs.next(p)));
        optimizerState.keySet().forEach(s -> names.add(TrainingGraphs.next(s)));
        buffers.forEach(b -> names.add(TrainingGraphs.next(b)));
        return names;
    }

    /**
     * A batch's loss and gradients: {@link #gradients} runs forward and backward without the update, so a
     * data-parallel caller can combine the gradients of several workers before {@link #applyGradients}.
     *
     * @param loss      the batch's mean loss
     * @param gradients each trainable parameter's gradient, by parameter name, in {@link #trainable()} order
     */
    public record StepGradients(double loss, Map<String, Tensor> gradients) {
    }

    /**
     * Forward and backward on one batch (input and label columns by name) with the current weights, leaving
     * weights, optimizer state and the step count alone; buffers (BatchNorm statistics) are updated as a
     * step would, and dropout masks are drawn from this trainer's generator. With {@link #applyGradients}
     * this is the step {@link #fit} runs, cut in two at the gradients.
     */
    public StepGradients gradients(Map<String, ? extends RuntimeValue> batch) {
        TrainingGraphs.SplitStep g = splitStep();
        if (gradientSession == null) {
            gradientSession = Session.open(g.gradients(), sessionOptions);
        }
        Map<String, RuntimeValue> feeds = new HashMap<>(batch);
        Tensor input = (Tensor) feeds.get(network.input());
        if (input == null) {
            throw new IllegalArgumentException("batch has no input column '" + network.input() + "'; columns: " + batch.keySet());
        }
        params.all().forEach(feeds::put);
        for (NetBuilder.MaskSpec m : g.masks()) {
            feeds.put(m.input(), mask(m, (int) input.dim(0)));
        }
        Map<String, RuntimeValue> out = gradientSession.run(feeds);
        adoptBuffers(out, g.bufferUpdates().keySet());
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String p : g.trainable()) {
            grads.put(p, (Tensor) out.get(dev.kiln.runtime.autodiff.GradientNames.of(p)));
        }
        return new StepGradients(((Tensor) out.get(TrainingGraphs.LOSS)).getDouble(0), grads);
    }

    /**
     * One optimizer update (with clipping, if configured) from the given gradients, one per trainable
     * parameter by name, e.g. averaged over data-parallel workers; counts one step. The gradients and the
     * updated values are checked for NaN and infinities as {@link #fit}'s steps are: under
     * {@link NonFinitePolicy#STOP} a bad value throws {@link NonFiniteTrainingException} naming the first
     * one, under SKIP_STEP the update is dropped. Either way weights and optimizer state stay as they were.
     * Data-parallel workers applying the same combined gradients therefore all skip or all apply.
     *
     * @return true when the update was applied, false when it was skipped
     */
    public boolean applyGradients(Map<String, Tensor> gradients) {
        TrainingGraphs.SplitStep g = splitStep();
        if (!gradients.keySet().equals(new java.util.HashSet<>(g.trainable()))) {
            throw new IllegalArgumentException("gradients for " + gradients.keySet() + "; expected one for each of " + g.trainable());
        }
        if (updateSession == null) {
            updateSession = Session.open(g.update(), sessionOptions);
        }
        Map<String, RuntimeValue> feeds = new HashMap<>(optimizerState);
        for (String p : g.trainable()) {
            feeds.put(p, params.get(p));
            feeds.put(dev.kiln.runtime.autodiff.GradientNames.of(p), gradients.get(p));
        }
        feeds.put(TrainingGraphs.LR, Tensor.scalar((float) schedule.rate(step, optimizer.learningRate())));
        feeds.put(TrainingGraphs.STEP, Tensor.scalar(step + optimizer.firstT()));
        Map<String, RuntimeValue> out = updateSession.run(feeds);
        Map<String, RuntimeValue> checked = new HashMap<>(out);
        for (String p : g.trainable()) {
            checked.put(dev.kiln.runtime.autodiff.GradientNames.of(p), gradients.get(p));
        }
        if (rejected(NonFiniteGuard.check(checked, g.trainable(), updatedValues(g.trainable(), java.util.Set.of())), -1)) {
            return false;
        }
        adoptUpdates(out, g.trainable());
        step++;
        return true;
    }

    private TrainingGraphs.SplitStep splitStep() {
        stepGraph();
        if (splitStep == null) {
            splitStep = TrainingGraphs.split(network, params, optimizer, frozen, clipNorm);
        }
        return splitStep;
    }

    private Tensor mask(NetBuilder.MaskSpec m, int rows) {
        long[] dims = new long[m.perSampleShape().length + 1];
        dims[0] = rows;
        System.arraycopy(m.perSampleShape(), 0, dims, 1, m.perSampleShape().length);
        float[] a = new float[(int) Shape.of(dims).elementCount()];
        float keep = (float) (1 / (1 - m.rate()));
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble() >= m.rate() ? keep : 0f;
        }
        return Tensor.of(a, dims);
    }

    /** Loss and accuracy on {@code data}, in batches of the training batch size, with the inference form. */
    public Evaluation evaluate(Dataset data) {
        if (evalSession == null) {
            evalSession = Session.open(TrainingGraphs.evaluation(network, params), sessionOptions);
        }
        List<String> columns = columns();
        int[] order = identity(data.size());
        double lossSum = 0;
        Map<String, Long> right = new LinkedHashMap<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Map<String, RuntimeValue> feeds = new HashMap<>(data.rows(columns, order, from, to));
            params.all().forEach(feeds::put);
            Map<String, RuntimeValue> out = evalSession.run(feeds);
            lossSum += ((Tensor) out.get(TrainingGraphs.LOSS)).getDouble(0) * (to - from);
            for (Head h : network.heads()) {
                if (h.loss().classification()) {
                    right.merge(h.output(), (long) Metrics.correct((Tensor) out.get(h.output()), (Tensor) feeds.get(h.labelColumn())), Long::sum);
                }
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        right.forEach((k, v) -> accuracy.put(k, v / (double) data.size()));
        return new Evaluation(lossSum / data.size(), accuracy);
    }

    /** Each head's predictions for every row of {@code data}'s input column, computed batch by batch, in row order. */
    public Map<String, Tensor> predict(Dataset data) {
        int[] order = identity(data.size());
        Map<String, List<Tensor>> parts = new LinkedHashMap<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            predict(data.rows(network.inputNames(), order, from, to)).forEach((k, v) -> parts.computeIfAbsent(k, n -> new ArrayList<>()).add(v));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        parts.forEach((k, list) -> out.put(k, concatRows(list)));
        return out;
    }

    private static Tensor concatRows(List<Tensor> parts) {
        long rows = 0;
        for (Tensor t : parts) {
            rows += t.dim(0);
        }
        long[] dims = parts.get(0).dims();
        dims[0] = rows;
        float[] all = new float[Math.toIntExact(Shape.of(dims).elementCount())];
        int at = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.floatData(), 0, all, at, t.size());
            at += t.size();
        }
        return Tensor.of(all, dims);
    }

    /** Each head's prediction for a batch of inputs ([N, input shape...]), by output name. */
    public Map<String, Tensor> predict(Tensor input) {
        return predict(Map.of(network.input(), input));
    }

    /** Each head's prediction for a batch given every data input by name ({@link Network#inputNames()}). */
    public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
        for (String name : network.inputNames()) {
            if (!inputs.containsKey(name)) {
                throw new IllegalArgumentException("predict: no value for input '" + name + "'; given " + inputs.keySet());
            }
        }
        if (inferSession == null) {
            inferSession = Session.open(TrainingGraphs.inference(network, params), sessionOptions);
        }
        Map<String, RuntimeValue> feeds = new HashMap<>(params.all());
        feeds.putAll(inputs);
        Map<String, Tensor> out = new LinkedHashMap<>();
        inferSession.run(feeds).forEach((k, v) -> out.put(k, (Tensor) v));
        return out;
    }

    /** The trained model as an ONNX inference graph (see {@link OnnxExport}). */
    public Model exportModel(Map<String, String> extraMetadata) {
        return OnnxExport.inferenceModel(this, extraMetadata);
    }

    /**
     * The state to continue from: between epochs, or mid-epoch (from a listener's {@code onBatchEnd}) with
     * the epoch's order and position, so a resumed run continues with the next batch.
     */
    public Checkpoint checkpoint() {
        stepGraph();
        return new Checkpoint(step, epoch, rng.state(), params.all(), optimizerState, progress);
    }

    /** Writes {@link #checkpoint()} atomically to {@code file}. */
    public void saveCheckpoint(Path file) {
        checkpoint().write(file);
    }

    /** Restores weights, optimizer state, counters and generator from a checkpoint of the same network. */
    public void restore(Checkpoint c) {
        stepGraph();
        if (!c.parameters().keySet().equals(params.all().keySet()) || !c.optimizerState().keySet().equals(optimizerState.keySet())) {
            throw new IllegalArgumentException("checkpoint does not match this network: parameters " + c.parameters().keySet()
                    + " and state " + c.optimizerState().keySet() + "; expected " + params.all().keySet() + " and " + optimizerState.keySet());
        }
        c.parameters().forEach(params::set);
        c.optimizerState().forEach((k, v) -> {
            if (!v.shape().equals(optimizerState.get(k).shape())) {
                throw new IllegalArgumentException("checkpoint state '" + k + "' is " + v.describe());
            }
            optimizerState.put(k, v);
        });
        step = c.step();
        epoch = c.epoch();
        rng = new Rng(c.rngState());
        progress = c.progress();
    }

    private List<String> columns() {
        List<String> c = new ArrayList<>(network.inputNames());
        network.heads().forEach(h -> c.add(h.labelColumn()));
        return c;
    }

    private Head firstClassificationHead() {
        return network.heads().stream().filter(h -> h.loss().classification()).findFirst().orElse(null);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public void close() {
        for (Session s : new Session[] {trainSession, evalSession, inferSession, gradientSession, updateSession}) {
            if (s != null) {
                s.close();
            }
        }
        trainSession = evalSession = inferSession = gradientSession = updateSession = null;
    }

    /** Configures a {@link Trainer}; {@link #build()} checks the settings and builds the training graph. */
    public static final class Builder {
        private final Network network;
        private Optimizer optimizer = Optimizer.adam(1e-3);
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private int batchSize = 32;
        private long seed = 42;
        private double clipNorm;
        private final List<Pattern> frozen = new ArrayList<>();
        private final List<TrainingListener> listeners = new ArrayList<>();
        private SessionOptions sessionOptions = SessionOptions.defaults();
        private NonFinitePolicy onNonFinite = NonFinitePolicy.STOP;

        private Builder(Network network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        public Builder optimizer(Optimizer o) {
            this.optimizer = Objects.requireNonNull(o, "optimizer");
            return this;
        }

        public Builder schedule(LearningRateSchedule s) {
            this.schedule = Objects.requireNonNull(s, "schedule");
            return this;
        }

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** Seeds initial weights, shuffling and dropout. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Rescales gradients so their global L2 norm is at most {@code maxNorm}; 0 turns clipping off. */
        public Builder clipGradientNorm(double maxNorm) {
            this.clipNorm = maxNorm;
            return this;
        }

        /** Freezes parameters whose name matches the glob ({@code *} any run of characters), e.g. "dense_0.*". */
        public Builder freeze(String glob) {
            frozen.add(dev.kiln.runtime.train.layers.ImportedGraph.glob(glob));
            return this;
        }

        public Builder listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /**
         * What to do when a step's loss, a gradient or an updated weight is NaN or infinite: stop with
         * {@link NonFiniteTrainingException} (the default) or skip the step. Checked every step on the host.
         */
        public Builder onNonFinite(NonFinitePolicy policy) {
            this.onNonFinite = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder sessionOptions(SessionOptions o) {
            this.sessionOptions = Objects.requireNonNull(o, "sessionOptions");
            return this;
        }

        public Trainer build() {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (clipNorm < 0) {
                throw new IllegalArgumentException("gradient clip norm must be >= 0, got " + clipNorm);
            }
            return new Trainer(this);
        }
    }
}
