package dev.kiln.backend.cuda;

import dev.kiln.api.ExecutionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The kernels of every {@code .cu} source in {@code dev/kiln/backend/cuda/kernels/}, loaded into one
 * device context. Each source comes as PTX that the build compiled with nvcc ({@code -Pcuda-ptx}, the file
 * {@code NAME.ptx} beside the source) or, when that is absent, is compiled here by NVRTC for the device's
 * compute capability. Modules live as long as the process (the primary context is never destroyed), so
 * each device compiles once. Thread-safe.
 */
final class CudaModule {
    /** The kernel sources, in resources under {@link #DIR}; the PTX test checks this list against the folder. */
    static final List<String> SOURCES = List.of("elementwise.cu", "copy.cu", "reduce.cu", "nn.cu", "training.cu");
    /** The header every source includes. */
    static final String HEADER = "common.cuh";
    static final String DIR = "/dev/kiln/backend/cuda/kernels/";

    private static final Map<Integer, CudaModule> BY_DEVICE = new ConcurrentHashMap<>();

    private final List<CUmod_st> modules;
    private final Map<String, CUfunc_st> functions = new ConcurrentHashMap<>();

    private CudaModule(List<CUmod_st> modules) {
        this.modules = modules;
    }

    /** The kernels for a device whose context is current on this thread. */
    static CudaModule forDevice(int ordinal, int computeMajor, int computeMinor) {
        return BY_DEVICE.computeIfAbsent(ordinal, d -> load(computeMajor, computeMinor));
    }

    /** A kernel by its {@code extern "C"} name; an error names it when no source defines it. */
    CUfunc_st function(String name) {
        return functions.computeIfAbsent(name, n -> {
            for (CUmod_st m : modules) {
                CUfunc_st f = new CUfunc_st();
                if (cudart.cuModuleGetFunction(f, m, n) == cudart.CUDA_SUCCESS) {
                    return f;
                }
            }
            throw new ExecutionException("no CUDA kernel named '" + n + "' in " + SOURCES);
        });
    }

    private static CudaModule load(int major, int minor) {
        List<CUmod_st> mods = new ArrayList<>();
        for (String source : SOURCES) {
            String base = source.substring(0, source.length() - 3);
            String ptx = resource(base + ".ptx");
            if (ptx == null) {
                ptx = compile(source, major * 10 + minor);
            }
            CUmod_st m = new CUmod_st();
            try (BytePointer image = new BytePointer(ptx)) {
                CudaLaunch.check(cudart.cuModuleLoadData(m, image), "cuModuleLoadData(" + source + ")");
            }
            mods.add(m);
        }
        return new CudaModule(mods);
    }

    /** PTX for one source by NVRTC, with the same options as the build's nvcc check. */
    static String compile(String source, int arch) {
        String text = required(source);
        String header = required(HEADER);
        _nvrtcProgram prog = new _nvrtcProgram();
        try (PointerPointer<BytePointer> headers = new PointerPointer<>(header);
             PointerPointer<BytePointer> names = new PointerPointer<>(HEADER)) {
            nvrtcCheck(nvrtc.nvrtcCreateProgram(prog, new BytePointer(text), new BytePointer(source), 1, headers, names),
                    "nvrtcCreateProgram(" + source + ")");
        }
        try {
            String[] options = {"--gpu-architecture=compute_" + arch, "--std=c++17"};
            int err;
            try (PointerPointer<BytePointer> opts = new PointerPointer<>(options)) {
                err = nvrtc.nvrtcCompileProgram(prog, options.length, opts);
            }
            if (err != nvrtc.NVRTC_SUCCESS) {
                throw new ExecutionException("NVRTC could not compile " + source + " for compute_" + arch + ":\n" + log(prog));
            }
            try (SizeTPointer size = new SizeTPointer(1)) {
                nvrtcCheck(nvrtc.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
                byte[] ptx = new byte[(int) size.get()];
                nvrtcCheck(nvrtc.nvrtcGetPTX(prog, ptx), "nvrtcGetPTX");
                int end = ptx.length > 0 && ptx[ptx.length - 1] == 0 ? ptx.length - 1 : ptx.length;
                return new String(ptx, 0, end, StandardCharsets.US_ASCII);
            }
        } finally {
            nvrtc.nvrtcDestroyProgram(prog);
        }
    }

    private static String log(_nvrtcProgram prog) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtc.nvrtcGetProgramLogSize(prog, size) != nvrtc.NVRTC_SUCCESS) {
                return "(no log)";
            }
            byte[] log = new byte[(int) size.get()];
            nvrtc.nvrtcGetProgramLog(prog, log);
            return new String(log, StandardCharsets.UTF_8).trim();
        }
    }

    private static void nvrtcCheck(int err, String what) {
        if (err != nvrtc.NVRTC_SUCCESS) {
            throw new ExecutionException(what + " failed: " + nvrtc.nvrtcGetErrorString(err).getString());
        }
    }

    private static String required(String name) {
        String text = resource(name);
        if (text == null) {
            throw new ExecutionException("the CUDA kernel source " + DIR + name + " is missing from the class path");
        }
        return text;
    }

    /** A resource of the kernels folder as text, or null when absent. */
    static String resource(String name) {
        try (InputStream in = CudaModule.class.getResourceAsStream(DIR + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + DIR + name, e);
        }
    }
}
