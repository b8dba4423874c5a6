package dev.kiln.backend.cuda;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A raw device address, as a kernel argument or an operand of cudart/cuBLAS calls. A value: it owns
 * nothing, and the memory it points into belongs to whichever device tensor it was taken from.
 *
 * @param address the device address in bytes; 0 is the null pointer (an absent optional operand)
 */
public record DevicePointer(long address) {
    /** The null device pointer, for absent optional operands (kernels test it). */
    public static final DevicePointer NULL = new DevicePointer(0);

    /** This address plus {@code bytes}. */
    public DevicePointer plus(long bytes) {
        return new DevicePointer(address + bytes);
    }

    /** A JavaCPP pointer holding this address (no deallocator: it never frees the memory). */
    Pointer pointer() {
        return new Raw(address);
    }

    /** The same address typed for cuBLAS's float32 operands. */
    FloatPointer floats() {
        return new FloatPointer(pointer());
    }

    /** JavaCPP's address field is protected; a subclass is the supported way to set it. */
    private static final class Raw extends Pointer {
        Raw(long address) {
            this.address = address;
        }
    }
}
