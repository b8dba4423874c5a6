package dev.kiln.backend.cpu.kernels.recurrent;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.List;
import java.util.Locale;

/**
 * One activation of an RNN, GRU or LSTM gate with its alpha and beta, as the spec lists them. Immutable.
 *
 * @param kind  the function
 * @param alpha its alpha (the function's default when the node gives none)
 * @param beta  its beta (likewise)
 */
record RecurrentActivation(Kind kind, float alpha, float beta) {
    enum Kind {
        RELU(false, false, 0, 0), TANH(false, false, 0, 0), SIGMOID(false, false, 0, 0), AFFINE(true, true, 1, 0),
        LEAKYRELU(true, false, 0.01f, 0), THRESHOLDEDRELU(true, false, 1, 0), SCALEDTANH(true, true, 1, 1),
        HARDSIGMOID(true, true, 0.2f, 0.5f), ELU(true, false, 1, 0), SOFTSIGN(false, false, 0, 0), SOFTPLUS(false, false, 0, 0);

        final boolean usesAlpha;
        final boolean usesBeta;
        final float defaultAlpha;
        final float defaultBeta;

        Kind(boolean usesAlpha, boolean usesBeta, float defaultAlpha, float defaultBeta) {
            this.usesAlpha = usesAlpha;
            this.usesBeta = usesBeta;
            this.defaultAlpha = defaultAlpha;
            this.defaultBeta = defaultBeta;
        }
    }

    double apply(double x) {
        return switch (kind) {
            case RELU -> Math.max(0.0, x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> (1 / (1 + Math.exp(-x)));
            case AFFINE -> alpha * x + beta;
            case LEAKYRELU -> x >= 0 ? x : alpha * x;
            case THRESHOLDEDRELU -> x >= alpha ? x : 0.0;
            case SCALEDTANH -> alpha * Math.tanh(beta * x);
            case HARDSIGMOID -> Math.min(Math.max(alpha * x + beta, 0.0), 1.0);
            case ELU -> x >= 0 ? x : alpha * Math.expm1(x);
            case SOFTSIGN -> x / (1 + Math.abs(x));
            case SOFTPLUS -> (x > 30 ? x : Math.log1p(Math.exp(x)));
        };
    }

    /**
     * The activations per direction: {@code [direction][gate function]}. The node's 'activations' list holds
     * {@code perDirection} names per direction (a single direction's list is reused for both when only that
     * many are given); alphas and betas are consumed in list order by the functions that take them.
     */
    static RecurrentActivation[][] parse(KernelRequest request, int directions, List<String> defaults) {
        int per = defaults.size();
        List<String> names = request.node().hasAttribute("activations") ? request.node().attribute("activations").asStrings() : defaults;
        if (names.size() != per && names.size() != per * directions) {
            throw Args.unsupported(request, "attribute 'activations' has " + names.size() + " entries; expected " + per + " per direction ("
                    + per * directions + ")");
        }
        float[] alphas = request.node().getFloats("activation_alpha", new float[0]);
        float[] betas = request.node().getFloats("activation_beta", new float[0]);
        int ai = 0;
        int bi = 0;
        RecurrentActivation[][] out = new RecurrentActivation[directions][per];
        for (int i = 0; i < per * directions; i++) {
            String name = names.get(i % names.size());
            Kind kind;
            try {
                kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Args.unsupported(request, "activation '" + name + "' is not one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                        + "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus");
            }
            float alpha = kind.defaultAlpha;
            float beta = kind.defaultBeta;
            if (kind.usesAlpha && ai < alphas.length) {
                alpha = alphas[ai++];
            }
            if (kind.usesBeta && bi < betas.length) {
                beta = betas[bi++];
            }
            out[i / per][i % per] = new RecurrentActivation(kind, alpha, beta);
        }
        return out;
    }
}
