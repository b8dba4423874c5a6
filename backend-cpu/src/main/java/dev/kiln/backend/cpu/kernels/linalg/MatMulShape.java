package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.Broadcast;
import dev.kiln.api.tensor.Shape;
import java.util.Arrays;

/**
 * The numpy matmul geometry of two operand shapes: a 1-D A is a row vector and a 1-D B a column vector
 * (their unit dimension is dropped from the output), leading dimensions broadcast as a batch, and each
 * batch entry multiplies an m x k matrix by a k x n one. Immutable.
 */
public final class MatMulShape {
    public final int m;
    public final int n;
    public final int k;
    /** Output shape, without the dimensions dropped for 1-D operands. */
    public final Shape output;
    /** Element offset of each batch entry's A and B matrix in the operand arrays. */
    final int[] aOffsets;
    final int[] bOffsets;
    /** True when B has no batch dimensions, so all of A's rows can go through one GEMM. */
    final boolean sharedB;

    private MatMulShape(int m, int n, int k, Shape output, int[] aOffsets, int[] bOffsets, boolean sharedB) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.output = output;
        this.aOffsets = aOffsets;
        this.bOffsets = bOffsets;
        this.sharedB = sharedB;
    }

    public int batch() {
        return aOffsets.length;
    }

    /** Element offset of batch entry {@code b}'s A matrix (for kernels outside this package). */
    public int aOffset(int b) {
        return aOffsets[b];
    }

    /** Element offset of batch entry {@code b}'s B matrix. */
    public int bOffset(int b) {
        return bOffsets[b];
    }

    /** The geometry for {@code A x B}; throws {@link InvalidInputException} naming both shapes when they do not fit. */
    public static MatMulShape of(String op, long[] aDims, long[] bDims) {
        if (aDims.length == 0 || bDims.length == 0) {
            throw new InvalidInputException(op + ": inputs A and B must have rank 1 or more, got A" + Arrays.toString(aDims)
                    + " and B" + Arrays.toString(bDims));
        }
        boolean aVector = aDims.length == 1;
        boolean bVector = bDims.length == 1;
        long[] a = aVector ? new long[] {1, aDims[0]} : aDims;
        long[] b = bVector ? new long[] {bDims[0], 1} : bDims;
        long m = a[a.length - 2];
        long k = a[a.length - 1];
        long kb = b[b.length - 2];
        long n = b[b.length - 1];
        if (k != kb) {
            throw new InvalidInputException(op + ": inner dimensions differ: A" + Arrays.toString(aDims) + " has " + k
                    + " columns but B" + Arrays.toString(bDims) + " has " + kb + " rows");
        }
        long[] aBatch = Arrays.copyOf(a, a.length - 2);
        long[] bBatch = Arrays.copyOf(b, b.length - 2);
        long[] batch;
        try {
            batch = Broadcast.shape(aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(op + ": batch dimensions of A" + Arrays.toString(aDims) + " and B"
                    + Arrays.toString(bDims) + " do not broadcast");
        }
        long count = 1;
        for (long d : batch) {
            count *= d;
        }
        int[] aOff = new int[Math.toIntExact(count)];
        int[] bOff = new int[aOff.length];
        long[] aStrides = Broadcast.stridesFor(aBatch, batch);
        long[] bStrides = Broadcast.stridesFor(bBatch, batch);
        long[] idx = new long[batch.length];
        for (int i = 0; i < aOff.length; i++) {
            long ao = 0;
            long bo = 0;
            for (int d = 0; d < batch.length; d++) {
                ao += idx[d] * aStrides[d];
                bo += idx[d] * bStrides[d];
            }
            aOff[i] = Math.toIntExact(ao * m * k);
            bOff[i] = Math.toIntExact(bo * k * n);
            for (int d = batch.length - 1; d >= 0 && ++idx[d] == batch[d]; d--) {
                idx[d] = 0;
            }
        }
        long[] out = Arrays.copyOf(batch, batch.length + (aVector ? 0 : 1) + (bVector ? 0 : 1));
        int p = batch.length;
        if (!aVector) {
            out[p++] = m;
        }
        if (!bVector) {
            out[p] = n;
        }
        boolean sharedB = bBatch.length == 0 || allOnes(bBatch) && Arrays.equals(batch, aBatch);
        return new MatMulShape(Math.toIntExact(m), Math.toIntExact(n), Math.toIntExact(k), Shape.of(out), aOff, bOff, sharedB);
    }

    private static boolean allOnes(long[] dims) {
        for (long d : dims) {
            if (d != 1) {
                return false;
            }
        }
        return true;
    }
}
