package dev.kiln.backend.cuda;

import dev.kiln.api.KilnException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;

/**
 * The NVIDIA GPU backend (cudart and cuBLAS through bytedeco). On a machine without a CUDA driver or
 * GPU it reports itself unavailable with the reason, and sessions run on the CPU.
 */
public final class CudaBackendProvider implements BackendProvider {
    public static final String ID = "cuda";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SpiVersion spiVersion() {
        return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        CudaRuntimeProbe.Result r = CudaRuntimeProbe.probe();
        return r.usable() ? Availability.ok() : Availability.unavailable(r.reason());
    }

    @Override
    public Backend create(BackendContext context) {
        CudaRuntimeProbe.Result r = CudaRuntimeProbe.probe();
        if (!r.usable()) {
            throw new KilnException("the cuda backend is unavailable: " + r.reason());
        }
        int device = Integer.parseInt(context.option("device", "0"));
        if (device < 0 || device >= r.deviceCount()) {
            throw new KilnException("cuda device " + device + " does not exist; " + r.deviceCount() + " found");
        }
        return new CudaBackend(device, Boolean.parseBoolean(context.option("tf32", "false")));
    }
}
