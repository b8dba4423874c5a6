/**
 * Reverse-mode automatic differentiation as a graph transform. {@link dev.kiln.runtime.autodiff.Autodiff}
 * appends to a forward graph the nodes computing the gradient of a scalar loss with respect to chosen
 * values; each op's backward comes from a {@link dev.kiln.runtime.autodiff.GradientRule} found by op type
 * in {@link dev.kiln.runtime.autodiff.GradientRules} (families listed as {@code GradientRuleFamily}
 * services). Rules emit ordinary ONNX ops, so the training graph runs on any backend and can be exported.
 * Everything here is stateless and thread-safe except {@link dev.kiln.runtime.autodiff.GradientContext},
 * which lives for one rule call.
 */
package dev.kiln.runtime.autodiff;
