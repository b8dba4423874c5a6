/**
 * The gradient rules of the ai.onnx ops, one {@link dev.kiln.runtime.autodiff.GradientRuleFamily} per op
 * family. Each is checked against finite differences in float64 by the tests of this package.
 */
package dev.kiln.runtime.autodiff.rules;
