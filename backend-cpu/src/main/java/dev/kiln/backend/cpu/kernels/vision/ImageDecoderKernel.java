package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * ImageDecoder (opset 20): decodes a uint8 encoded stream to uint8 {@code [H, W, 3]} (RGB or BGR) or
 * {@code [H, W, 1]} (Grayscale) with {@code javax.imageio}, which reads JPEG, PNG, BMP, GIF and TIFF, and
 * {@link PnmReader} for PNM. Other formats (WebP, JPEG 2000) raise {@link UnsupportedOpException} naming the format. Gray from color uses the ITU-R 601
 * luma weights 0.299, 0.587, 0.114. JPEG decoding follows the JDK's decoder, whose chroma upsampling may differ from
 * libjpeg-turbo's by a few levels.
 */
final class ImageDecoderKernel implements Kernel {
    private final String format;

    ImageDecoderKernel(String format) {
        this.format = format;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor stream = ctx.tensor(0);
        if (stream.dtype() != DType.UINT8 || stream.rank() != 1) {
            throw new InvalidInputException("ImageDecoder encoded_stream: expected a 1-D uint8 tensor, got " + stream.describe());
        }
        byte[] bytes = stream.byteData();
        BufferedImage image;
        try {
            image = PnmReader.isPnm(bytes) ? PnmReader.read(bytes) : ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new InvalidInputException("ImageDecoder: the " + sniff(bytes) + " stream could not be decoded: " + e.getMessage());
        }
        if (image == null) {
            throw new UnsupportedOpException("ImageDecoder", "", ctx.opsetVersion(), "no image reader of this JDK decodes "
                    + sniff(bytes) + " streams (supported: JPEG, PNG, BMP, GIF, TIFF, PNM)");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        boolean gray = format.equals("Grayscale");
        int channels = gray ? 1 : 3;
        byte[] out = new byte[h * w * channels];
        Raster raster = image.getRaster();
        boolean sourceGray = raster.getNumBands() <= 2 && image.getColorModel().getNumColorComponents() == 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * channels;
                int r;
                int g;
                int b;
                if (sourceGray) {
                    // the stored gray levels as they are; getRGB would re-encode them through a color space
                    r = g = b = raster.getSample(x, y, 0) >> Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
                } else {
                    int argb = image.getRGB(x, y);
                    r = (argb >> 16) & 0xff;
                    g = (argb >> 8) & 0xff;
                    b = argb & 0xff;
                }
                if (gray) {
                    out[o] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                } else if (format.equals("BGR")) {
                    out[o] = (byte) b;
                    out[o + 1] = (byte) g;
                    out[o + 2] = (byte) r;
                } else {
                    out[o] = (byte) r;
                    out[o + 1] = (byte) g;
                    out[o + 2] = (byte) b;
                }
            }
        }
        ctx.setOutput(0, Tensor.of(DType.UINT8, out, h, w, channels));
    }

    /** The format a stream's leading bytes announce, for error messages. */
    static String sniff(byte[] b) {
        if (starts(b, 0xFF, 0xD8)) {
            return "JPEG";
        }
        if (starts(b, 0x89, 'P', 'N', 'G')) {
            return "PNG";
        }
        if (starts(b, 'B', 'M')) {
            return "BMP";
        }
        if (starts(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "WebP";
        }
        if (starts(b, 0x00, 0x00, 0x00, 0x0C, 'j', 'P') || starts(b, 0xFF, 0x4F, 0xFF, 0x51)) {
            return "JPEG 2000";
        }
        if (b.length >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') {
            return "PNM";
        }
        if (starts(b, 'I', 'I', 0x2A, 0x00) || starts(b, 'M', 'M', 0x00, 0x2A)) {
            return "TIFF";
        }
        return "unrecognized";
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
