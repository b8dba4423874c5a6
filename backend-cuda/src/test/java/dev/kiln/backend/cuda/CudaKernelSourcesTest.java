package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs no GPU: compiles every {@code .cu} kernel source to PTX with nvcc (when nvcc is on the PATH; skipped
 * with a message otherwise) and fails on any compile error, then checks that every kernel the Java code
 * launches is an entry point of that PTX. Runs in CI.
 */
class CudaKernelSourcesTest {
    private static final Path SOURCES = Path.of("src/main/resources/dev/kiln/backend/cuda/kernels");
    private static final Path JAVA = Path.of("src/main/java/dev/kiln/backend/cuda");
    /** The virtual architecture of the H100/H200 (NVRTC compiles for the device's own at run time). */
    private static final String ARCH = "compute_90";

    @TempDir
    static Path out;
    private static final Set<String> entries = new TreeSet<>();
    private static final List<String> errors = new ArrayList<>();
    private static boolean compiled;

    @BeforeAll
    static void compileAll() throws Exception {
        String nvcc = findNvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on the PATH: the CUDA kernel sources were not compiled to PTX");
        for (String source : CudaModule.SOURCES) {
            Path ptx = out.resolve(source.replace(".cu", ".ptx"));
            Process p = new ProcessBuilder(nvcc, "--ptx", "-arch=" + ARCH, "-std=c++17", "-I" + SOURCES.toAbsolutePath(),
                    "-o", ptx.toString(), SOURCES.resolve(source).toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                errors.add(source + ":\n" + log);
                continue;
            }
            Matcher m = Pattern.compile("\\.entry\\s+(\\w+)").matcher(Files.readString(ptx));
            while (m.find()) {
                entries.add(m.group(1));
            }
        }
        compiled = true;
    }

    private static String findNvcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "nvcc");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        Path cudaHome = Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"), "bin", "nvcc");
        return Files.isExecutable(cudaHome) ? cudaHome.toString() : null;
    }

    @Test
    void everySourceCompilesToPtx() {
        assertTrue(compiled);
        if (!errors.isEmpty()) {
            fail("nvcc could not compile:\n" + String.join("\n", errors));
        }
        System.out.println("PTX entries (" + entries.size() + "): " + entries);
    }

    @Test
    void theLoaderListsEverySourceInTheFolder() throws IOException {
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cu")).forEach(onDisk::add);
        }
        assertEquals(onDisk, new TreeSet<>(CudaModule.SOURCES), "CudaModule.SOURCES must list every .cu file");
    }

    @Test
    void everyLaunchedKernelIsDefined() throws IOException {
        assertTrue(compiled);
        Set<String> launched = new TreeSet<>();
        Pattern call = Pattern.compile("launch(?:Rows)?\\(\"(\\w+)\"|-> \"(copy_strided_\\d)\"");
        try (Stream<Path> files = Files.walk(JAVA)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                Matcher m = call.matcher(Files.readString(f));
                while (m.find()) {
                    launched.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        // GatherKernel builds its name from the element size and the index type
        for (String g : List.of("gather_4_i64", "gather_4_i32", "gather_8_i64", "gather_8_i32")) {
            launched.add(g);
        }
        assertTrue(launched.size() > 15, "expected the launches of every kernel family, found " + launched);
        Set<String> missing = new TreeSet<>(launched);
        missing.removeAll(entries);
        assertTrue(missing.isEmpty(), "launched but not defined in any .cu source: " + missing);
    }
}
