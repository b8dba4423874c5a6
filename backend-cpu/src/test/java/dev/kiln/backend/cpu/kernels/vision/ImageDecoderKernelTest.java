package dev.kiln.backend.cpu.kernels.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * ImageDecoder on lossless images made in the test (ONNX Runtime has no ImageDecoder kernel): the decoded pixels must be
 * the encoded ones, in RGB, BGR and ITU-R 601 gray.
 */
class ImageDecoderKernelTest {
    private static final int W = 7;
    private static final int H = 5;

    @Test
    void pngAndBmpDecodeToTheirPixels() throws IOException {
        int[][] rgb = randomPixels();
        for (String format : new String[] {"png", "bmp"}) {
            byte[] encoded = encode(rgb, format);
            assertArrayEquals(expected(rgb, "RGB"), decode(encoded, "RGB"), format);
            assertArrayEquals(expected(rgb, "BGR"), decode(encoded, "BGR"), format);
            assertArrayEquals(expected(rgb, "Grayscale"), decode(encoded, "Grayscale"), format);
        }
    }

    @Test
    void pnmTextAndBinary() {
        int[][] rgb = randomPixels();
        StringBuilder text = new StringBuilder("P3\n# made by the test\n" + W + " " + H + "\n255\n");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        byte[] header = ("P6\n" + W + " " + H + "\n255\n").getBytes(StandardCharsets.US_ASCII);
        binary.write(header, 0, header.length);
        for (int[] p : rgb) {
            text.append(p[0]).append(' ').append(p[1]).append(' ').append(p[2]).append('\n');
            binary.write(p[0]);
            binary.write(p[1]);
            binary.write(p[2]);
        }
        assertArrayEquals(expected(rgb, "RGB"), decode(text.toString().getBytes(StandardCharsets.US_ASCII), "RGB"));
        assertArrayEquals(expected(rgb, "BGR"), decode(binary.toByteArray(), "BGR"));
    }

    @Test
    void webpIsRejectedNamingTheFormat() {
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> decode(webp, "RGB"));
        assertTrue(e.getMessage().contains("WebP"), e.getMessage());
    }

    private static byte[] decode(byte[] encoded, String format) {
        Node n = Node.builder("ImageDecoder").input("s").output("img").attr("pixel_format", format).build();
        Tensor out = KernelHarness.runOne(n, Tensor.of(DType.UINT8, encoded, encoded.length));
        assertArrayEquals(new long[] {H, W, format.equals("Grayscale") ? 1 : 3}, out.dims());
        return out.byteData();
    }

    private static int[][] randomPixels() {
        Random random = new Random(3);
        int[][] rgb = new int[W * H][3];
        for (int[] p : rgb) {
            for (int c = 0; c < 3; c++) {
                p[c] = random.nextInt(256);
            }
        }
        return rgb;
    }

    private static byte[] encode(int[][] rgb, String format) throws IOException {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < rgb.length; i++) {
            image.setRGB(i % W, i / W, (rgb[i][0] << 16) | (rgb[i][1] << 8) | rgb[i][2]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static byte[] expected(int[][] rgb, String format) {
        boolean gray = format.equals("Grayscale");
        byte[] out = new byte[rgb.length * (gray ? 1 : 3)];
        for (int i = 0; i < rgb.length; i++) {
            int[] p = rgb[i];
            if (gray) {
                out[i] = (byte) Math.round(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] - 1e-9);
            } else {
                boolean bgr = format.equals("BGR");
                out[i * 3] = (byte) p[bgr ? 2 : 0];
                out[i * 3 + 1] = (byte) p[1];
                out[i * 3 + 2] = (byte) p[bgr ? 0 : 2];
            }
        }
        return out;
    }
}
