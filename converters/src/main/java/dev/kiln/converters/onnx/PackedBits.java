package dev.kiln.converters.onnx;

import dev.kiln.api.tensor.DType;

/**
 * Packs and unpacks ONNX's sub-byte element types (int4, uint4, float4e2m1: two per byte; int2, uint2:
 * four per byte), lowest bits first. Kiln holds them unpacked, one element per byte, signed types
 * sign-extended. Stateless.
 */
final class PackedBits {
    private PackedBits() {
    }

    /** Bits per element for a packed type, or 0 when the type takes whole bytes. */
    static int bitsPerElement(DType t) {
        return switch (t) {
            case INT4, UINT4, FLOAT4E2M1 -> 4;
            case INT2, UINT2 -> 2;
            default -> 0;
        };
    }

    /** Bytes {@code count} packed elements take. */
    static long packedLength(DType t, long count) {
        int per = 8 / bitsPerElement(t);
        return (count + per - 1) / per;
    }

    static byte[] unpack(DType t, byte[] packed, int count) {
        int bits = bitsPerElement(t);
        int per = 8 / bits;
        int mask = (1 << bits) - 1;
        boolean signed = t == DType.INT4 || t == DType.INT2;
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            int v = (packed[i / per] >>> ((i % per) * bits)) & mask;
            // shifting the field to the top of an int and back sign-extends it
            out[i] = (byte) (signed ? (v << (32 - bits)) >> (32 - bits) : v);
        }
        return out;
    }

    static byte[] pack(DType t, byte[] unpacked) {
        int bits = bitsPerElement(t);
        int per = 8 / bits;
        int mask = (1 << bits) - 1;
        byte[] out = new byte[(int) packedLength(t, unpacked.length)];
        for (int i = 0; i < unpacked.length; i++) {
            out[i / per] |= (byte) ((unpacked[i] & mask) << ((i % per) * bits));
        }
        return out;
    }
}
