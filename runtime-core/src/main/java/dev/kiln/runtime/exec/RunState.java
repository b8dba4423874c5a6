package dev.kiln.runtime.exec;

import dev.kiln.api.spi.Allocator;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorMap;
import dev.kiln.api.tensor.TensorSequence;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The memory a run owns, reference-counted by backing storage (the host array or the device memory
 * object). Only storage allocated during this run (by a kernel through its context, or by a copy or a
 * control-flow op) is ever released; graph inputs, initializers and kernel-made arrays are never
 * touched. Storage is released when the last slot holding it, under any name and in any frame, lets
 * go, so a kernel may return an input or a view sharing an input's array (Identity, Reshape) safely.
 *
 * <p>One per run. Synchronized because a kernel might allocate from several of its own threads.
 */
final class RunState {
    private final Map<Object, Owned> owned = new IdentityHashMap<>();
    /** Holders of each donated input's storage, by backing; null when the run has no donated input. */
    private Map<Object, int[]> donated;
    /** Where kernels report their time, or null when profiling is off. */
    private final OpTimer timer;
    private final RunGuard guard;

    RunState(OpTimer timer, RunLimits limits) {
        this.timer = timer;
        this.guard = new RunGuard(limits);
    }

    RunGuard guard() {
        return guard;
    }

    /** Called at the start of every Loop, Scan or SequenceMap iteration: counts it and stops a cancelled or late run. */
    void iteration(dev.kiln.api.ir.Node node) {
        guard.iterationDone();
        if (guard.stopRequested()) {
            throw guard.stopped(node.describe());
        }
    }

    OpTimer timer() {
        return timer;
    }

    private static final class Owned {
        final Tensor tensor;
        final Allocator allocator;
        /** Bytes charged to the run's budget for this storage. */
        final long bytes;
        int holders;

        Owned(Tensor tensor, Allocator allocator, long bytes) {
            this.tensor = tensor;
            this.allocator = allocator;
            this.bytes = bytes;
        }
    }

    /** The storage behind a tensor: its array on the host, its memory object on a device. */
    static Object backing(Tensor t) {
        return t.isHost() ? t.data() : t.deviceMemory();
    }

    /** Records a tensor this run allocated; it is released to {@code allocator} when no slot holds it any more. */
    synchronized void own(Tensor t, Allocator allocator) {
        own(t, allocator, 0);
    }

    /**
     * Records a tensor this run allocated after {@code bytes} were {@linkplain RunGuard#reserve reserved}
     * for it; the bytes go back to the budget when the tensor is released.
     */
    synchronized void own(Tensor t, Allocator allocator, long bytes) {
        if (owned.putIfAbsent(backing(t), new Owned(t, allocator, bytes)) != null) {
            guard.release(bytes);
        }
    }

    /**
     * Allocates a tensor for this run from {@code allocator}: charged to the budget before it exists (naming
     * {@code node}, or the runtime when null) and owned by the run, so it is released and uncharged together.
     */
    Tensor allocate(Allocator allocator, DType dtype, Shape shape, String node) {
        return allocate(allocator, dtype, shape, node, false);
    }

    /** As {@link #allocate(Allocator, DType, Shape, String)}; {@code uninitialized} for an output the kernel overwrites whole. */
    Tensor allocate(Allocator allocator, DType dtype, Shape shape, String node, boolean uninitialized) {
        long bytes = reserve(dtype, shape, node);
        Tensor t;
        try {
            t = uninitialized ? allocator.allocateUninitialized(dtype, shape) : allocator.allocate(dtype, shape);
        } catch (RuntimeException | Error e) {
            guard.release(bytes);
            throw e;
        }
        own(t, allocator, bytes);
        return t;
    }

    /** Charges the bytes of a tensor of this type and shape to the budget before it is allocated; returns them. */
    long reserve(DType dtype, Shape shape, String node) {
        long bytes = bytesOf(dtype, shape);
        guard.reserve(bytes, (node == null ? "the runtime" : "node " + node) + ": a " + dtype + shape + " tensor");
        return bytes;
    }

    /** Host bytes of a tensor, saturating at Long.MAX_VALUE (an impossible size must fail the budget, not wrap). */
    static long bytesOf(DType dtype, Shape shape) {
        long count;
        try {
            count = shape.elementCount();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        long per = Math.max(1, dtype.byteSize());
        return count > Long.MAX_VALUE / per ? Long.MAX_VALUE : count * per;
    }

    /**
     * Marks a caller's input tensor as donated: its storage may be overwritten by the last node that reads
     * it while it is held by one slot only. Called before the inputs are put in their slots.
     */
    synchronized void donate(Tensor t) {
        if (donated == null) {
            donated = new IdentityHashMap<>();
        }
        donated.putIfAbsent(backing(t), new int[1]);
    }

    /**
     * Whether {@code t}'s storage is writable by the one slot that holds it: allocated by this run or donated
     * by the caller, and held by exactly one slot of this run (under any name, in any frame).
     */
    synchronized boolean soleHolder(Tensor t) {
        Object key = backing(t);
        Owned o = owned.get(key);
        if (o != null) {
            return o.holders == 1;
        }
        int[] h = donated == null ? null : donated.get(key);
        return h != null && h[0] == 1;
    }

    synchronized void hold(RuntimeValue v) {
        forEachTensor(v, t -> {
            Object key = backing(t);
            Owned o = owned.get(key);
            if (o != null) {
                o.holders++;
            }
            if (donated != null) {
                int[] h = donated.get(key);
                if (h != null) {
                    h[0]++;
                }
            }
        });
    }

    synchronized void drop(RuntimeValue v) {
        forEachTensor(v, t -> {
            Object key = backing(t);
            if (donated != null) {
                int[] h = donated.get(key);
                if (h != null) {
                    h[0]--;
                }
            }
            Owned o = owned.get(key);
            if (o != null && --o.holders <= 0) {
                owned.remove(key);
                guard.release(o.bytes);
                o.allocator.release(o.tensor);
            }
        });
    }

    /** Releases a tensor allocated in this run if no slot holds it (a kernel's temporary or an unrequested output). */
    synchronized void releaseIfUnheld(Tensor t) {
        Object key = backing(t);
        Owned o = owned.get(key);
        if (o != null && o.holders <= 0) {
            owned.remove(key);
            guard.release(o.bytes);
            o.allocator.release(o.tensor);
        }
    }

    interface TensorVisitor {
        void visit(Tensor t);
    }

    static void forEachTensor(RuntimeValue v, TensorVisitor visitor) {
        if (v instanceof Tensor t) {
            visitor.visit(t);
        } else if (v instanceof TensorSequence s) {
            s.tensors().forEach(visitor::visit);
        } else if (v instanceof OptionalValue o) {
            if (o.value() != null) {
                forEachTensor(o.value(), visitor);
            }
        } else if (v instanceof TensorMap m) {
            for (Object value : m.entries().values()) {
                if (value instanceof Tensor t) {
                    visitor.visit(t);
                }
            }
        }
    }
}
