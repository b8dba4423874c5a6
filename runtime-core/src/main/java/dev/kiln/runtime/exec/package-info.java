/**
 * Executing compiled models: {@link dev.kiln.runtime.exec.Executor} compiles a model once (kernels,
 * copies, liveness, If/Loop/Scan plans) and runs it with a value table per run, returning intermediate
 * memory to its allocator after its last use. {@link dev.kiln.runtime.exec.RuntimeKernelContext} is the
 * runtime's {@link dev.kiln.api.spi.KernelContext}.
 */
package dev.kiln.runtime.exec;
