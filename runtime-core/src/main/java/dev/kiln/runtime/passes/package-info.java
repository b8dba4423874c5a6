/** Analyses run on a graph when a session opens: constant values and type and shape propagation. Stateless. */
package dev.kiln.runtime.passes;
