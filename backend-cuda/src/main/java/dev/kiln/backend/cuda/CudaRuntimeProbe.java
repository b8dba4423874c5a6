package dev.kiln.backend.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Finds out, once, whether CUDA can be used here: the bytedeco native libraries must load, a driver
 * must answer and at least one device must exist. Never throws; the answer carries the reason.
 */
final class CudaRuntimeProbe {
    /** Result of the probe: a device count, or the reason none can be used. */
    record Result(int deviceCount, String reason) {
        boolean usable() {
            return deviceCount > 0;
        }
    }

    private static volatile Result cached;

    private CudaRuntimeProbe() {
    }

    static Result probe() {
        Result r = cached;
        if (r == null) {
            r = run();
            cached = r;
        }
        return r;
    }

    private static Result run() {
        try {
            Loader.load(cudart.class);
            Loader.load(org.bytedeco.cuda.global.cublas.class);
            Loader.load(org.bytedeco.cuda.global.nvrtc.class);
        } catch (Throwable t) {
            String platform = Loader.getPlatform();
            boolean wrappers = CudaRuntimeProbe.class.getResource("/org/bytedeco/cuda/" + platform + "/libjnicudart.so") != null;
            if (wrappers) {
                // the JNI wrappers are there; what failed is the system CUDA they link against
                return new Result(0, "no CUDA driver or CUDA 13 libraries: libcuda.so.1 (NVIDIA driver), libcudart.so.13, "
                        + "libcublas.so.13 and libnvrtc.so.13 must be on the library path (" + firstLine(t) + ")");
            }
            // The natives come from org.bytedeco:cuda with a platform classifier, which applications add only on GPU hosts.
            return new Result(0, "CUDA native libraries could not be loaded (" + firstLine(t) + "); add org.bytedeco:cuda with the "
                    + platform + " classifier and install an NVIDIA driver");
        }
        try {
            int[] count = new int[1];
            int err = cudart.cudaGetDeviceCount(count);
            if (err != cudart.cudaSuccess) {
                return new Result(0, "no CUDA driver or device: cudaGetDeviceCount returned " + err + " ("
                        + cudart.cudaGetErrorString(err).getString() + ")");
            }
            if (count[0] == 0) {
                return new Result(0, "the CUDA driver reports no GPU");
            }
            return new Result(count[0], "");
        } catch (Throwable t) {
            return new Result(0, "no CUDA driver: " + firstLine(t));
        }
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
